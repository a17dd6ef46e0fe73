import { system } from '$lib/server/db';
import { callbackUrl, nextQuery } from '$lib/server/http/authRedirect';
import { rejectForm } from '$lib/server/http/forms';
import { safeNext } from '$lib/server/http/redirects';
import { finishSignIn, SIGN_IN_PROBLEMS, supabaseFor } from '$lib/server/http/supabaseAuth';
import { supabaseAuth } from '$lib/server/http/supabaseMode';
import { email, newPassword, parseForm, text } from '$lib/validation';
import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';

const SignUp = v.object({ display_name: text('Your name', 1, 80), email, password: newPassword });

/**
 * Only with Supabase Auth: the app's own accounts are made by setting up or by an invite link. An
 * account on its own joins nothing; an invite link (or first-run setup) is what makes it a member.
 */
function signUpOrSignIn(url: URL) {
	if (!supabaseAuth) redirect(303, `/login${url.search}`);
	return supabaseAuth;
}

export const load: PageServerLoad = async ({ locals, url }) => {
	signUpOrSignIn(url);
	if (locals.member) redirect(303, safeNext(url.searchParams.get('next')));
	return { nextQuery: nextQuery(url) };
};

export const actions: Actions = {
	default: async (event) => {
		const config = signUpOrSignIn(event.url);
		const parsed = parseForm(await event.request.formData(), SignUp);
		if (!parsed.ok) return rejectForm(400, parsed.errors, parsed.values);
		const { display_name, ...login } = parsed.data;
		const values = { display_name, email: login.email };
		const client = supabaseFor(event, config);
		const { data, error } = await client.auth.signUp({
			...login,
			options: { emailRedirectTo: callbackUrl(event.url), data: { display_name } }
		});
		if (error) return rejectForm(error.status === 429 ? 429 : 400, { form: error.message }, values);
		// A project that confirms e-mail addresses (Supabase's default) signs them in from the link.
		if (!data.session || !data.user) return { sentTo: login.email };
		const problem = await finishSignIn(client, system(), data.user);
		if (problem) return rejectForm(400, { form: SIGN_IN_PROBLEMS[problem] }, values);
		redirect(303, safeNext(event.url.searchParams.get('next')));
	}
};
