import { env } from '$env/dynamic/public';
import * as accounts from '$lib/server/accounts';
import { SESSION_COOKIE, setSecretCookie } from '$lib/server/http/cookies';
import { system } from '$lib/server/db';
import { clientAddress } from '$lib/server/http/clientAddress';
import { rejectForm } from '$lib/server/http/forms';
import { safeNext } from '$lib/server/http/redirects';
import { supabaseConfig, supabaseFor } from '$lib/server/http/supabaseAuth';
import { email, parseForm } from '$lib/validation';
import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';

const SignIn = v.object({
	email,
	password: v.pipe(
		v.string(),
		v.minLength(1, 'Enter your password.'),
		v.maxLength(200, 'Enter your password.')
	)
});

export const load: PageServerLoad = async ({ locals, url }) => {
	if (locals.member) redirect(303, safeNext(url.searchParams.get('next')));
	return { setupNeeded: await accounts.setupNeeded(system()) };
};

export const actions: Actions = {
	default: async (event) => {
		const parsed = parseForm(await event.request.formData(), SignIn);
		if (!parsed.ok) return rejectForm(400, parsed.errors, parsed.values);
		const next = safeNext(event.url.searchParams.get('next'));
		const supabase = supabaseConfig({ ...env });
		if (supabase) {
			const { error } = await supabaseFor(event, supabase).auth.signInWithPassword(parsed.data);
			if (error) return rejectForm(400, { form: error.message }, { email: parsed.data.email });
			redirect(303, next);
		}
		try {
			const { token } = await accounts.signIn(system(), {
				...parsed.data,
				address: clientAddress(event)
			});
			setSecretCookie(event.cookies, event.url, SESSION_COOKIE, token, accounts.SESSION_DAYS);
		} catch (error) {
			const values = { email: parsed.data.email };
			if (error instanceof accounts.TooManyAttemptsError) {
				event.setHeaders({ 'retry-after': String(error.retryAfter) });
				return rejectForm(429, { form: error.message }, values);
			}
			if (error instanceof accounts.AccountError) return rejectForm(400, { form: error.message }, values);
			throw error;
		}
		redirect(303, next);
	}
};
