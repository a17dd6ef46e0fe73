import * as accounts from '$lib/server/accounts';
import { startSession } from '$lib/server/http/cookies';
import { system } from '$lib/server/db';
import * as organisations from '$lib/server/organisations';
import { rejectForm } from '$lib/server/http/forms';
import { supabaseAuth } from '$lib/server/http/supabaseMode';
import { email, newPassword, parseForm, text } from '$lib/validation';
import { error, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';

const NewAccount = v.object({ display_name: text('Your name', 1, 80), email, password: newPassword });

export const load: PageServerLoad = async ({ params }) => {
	const invite = await organisations.previewInvite(system(), params.token);
	if (!invite) error(404, 'This invite link has been used, revoked or has expired. Ask for a new one.');
	// With Supabase Auth the invitee signs up (or in) with Supabase, and comes back here to join.
	return { invite, supabase: Boolean(supabaseAuth) };
};

const usedUp = () => rejectForm(410, { form: 'This invite link is not valid any more.' });

export const actions: Actions = {
	accept: async ({ locals, params }) => {
		if (!locals.member) redirect(303, `/login?next=/invite/${params.token}`);
		if (!(await organisations.acceptInvite(locals.db, params.token))) return usedUp();
		redirect(303, '/org');
	},
	create: async ({ request, params, cookies, url }) => {
		if (supabaseAuth) redirect(303, `/signup?next=/invite/${encodeURIComponent(params.token)}`);
		// The link first: a made-up one gets the same answer whatever was typed, before any work.
		if (!(await organisations.previewInvite(system(), params.token))) return usedUp();
		const parsed = parseForm(await request.formData(), NewAccount);
		if (!parsed.ok) return rejectForm(400, parsed.errors, parsed.values);
		const { display_name, ...login } = parsed.data;
		let userId: string;
		try {
			userId = await accounts.createUserFromInvite(system(), params.token, {
				displayName: display_name,
				...login
			});
		} catch (err) {
			if (err instanceof accounts.LinkUsedError) return usedUp();
			if (!(err instanceof accounts.AccountError)) throw err;
			return rejectForm(400, { [err.field ?? 'form']: err.message }, { display_name, email: login.email });
		}
		await startSession(cookies, url, userId);
		redirect(303, '/org');
	}
};
