import * as accounts from '$lib/server/accounts';
import { SESSION_COOKIE, setSecretCookie } from '$lib/server/http/cookies';
import { system } from '$lib/server/db';
import { nextQuery } from '$lib/server/http/authRedirect';
import { providerLinks } from '$lib/server/http/oauthProviders';
import { clientAddress } from '$lib/server/http/clientAddress';
import { rejectForm } from '$lib/server/http/forms';
import { safeNext } from '$lib/server/http/redirects';
import {
	finishSignIn,
	SIGN_IN_PROBLEMS,
	supabaseFor,
	type SignInProblem
} from '$lib/server/http/supabaseAuth';
import { supabaseAuth } from '$lib/server/http/supabaseMode';
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
	const problem = url.searchParams.get('problem');
	return {
		nextQuery: nextQuery(url),
		setupNeeded: await accounts.setupNeeded(system()),
		// With Supabase Auth: a link by e-mail, a sign-up page, and the configured OAuth providers.
		supabase: supabaseAuth && { providers: providerLinks(supabaseAuth.providers, url) },
		problem: problem && problem in SIGN_IN_PROBLEMS ? SIGN_IN_PROBLEMS[problem as SignInProblem] : null
	};
};

export const actions: Actions = {
	default: async (event) => {
		const parsed = parseForm(await event.request.formData(), SignIn);
		if (!parsed.ok) return rejectForm(400, parsed.errors, parsed.values);
		const next = safeNext(event.url.searchParams.get('next'));
		const values = { email: parsed.data.email };
		if (supabaseAuth) {
			const client = supabaseFor(event, supabaseAuth);
			const { data, error } = await client.auth.signInWithPassword(parsed.data);
			if (error) return rejectForm(error.status === 429 ? 429 : 400, { form: error.message }, values);
			const problem = await finishSignIn(client, system(), data.user);
			if (problem) return rejectForm(400, { form: SIGN_IN_PROBLEMS[problem] }, values);
			redirect(303, next);
		}
		try {
			const { token } = await accounts.signIn(system(), {
				...parsed.data,
				address: clientAddress(event)
			});
			setSecretCookie(event.cookies, event.url, SESSION_COOKIE, token, accounts.SESSION_DAYS);
		} catch (error) {
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
