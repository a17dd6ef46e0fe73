import * as accounts from '$lib/server/accounts';
import { SESSION_COOKIE } from '$lib/server/http/cookies';
import { clientAddress } from '$lib/server/http/clientAddress';
import { system } from '$lib/server/db';
import { rejectForm } from '$lib/server/http/forms';
import { supabaseFor } from '$lib/server/http/supabaseAuth';
import { supabaseAuth } from '$lib/server/http/supabaseMode';
import { newPassword, parseForm } from '$lib/validation';
import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';

const ChangePassword = v.object({
	current_password: v.pipe(
		v.string(),
		v.minLength(1, 'Enter your current password.'),
		v.maxLength(200, 'Enter your current password.')
	),
	password: newPassword
});

/** With Supabase Auth, a signed-in member sets a new password (one who signed in by a link may have none). */
const SetPassword = v.object({ password: newPassword });

export const load: PageServerLoad = async () => ({ ownAccounts: !supabaseAuth });

export const actions: Actions = {
	password: async (event) => {
		if (supabaseAuth) {
			const parsed = parseForm(await event.request.formData(), SetPassword);
			if (!parsed.ok) return rejectForm(400, parsed.errors);
			const { error: refused } = await supabaseFor(event, supabaseAuth).auth.updateUser(parsed.data);
			if (refused) return rejectForm(400, { password: refused.message });
			return { saved: 'Password set.' };
		}
		const parsed = parseForm(await event.request.formData(), ChangePassword);
		// Passwords are never sent back into the form.
		if (!parsed.ok) return rejectForm(400, parsed.errors);
		try {
			await accounts.changePassword(system(), {
				userId: event.locals.member!.id,
				current: parsed.data.current_password,
				next: parsed.data.password,
				address: clientAddress(event),
				keepSession: event.cookies.get(SESSION_COOKIE) ?? ''
			});
		} catch (err) {
			if (err instanceof accounts.TooManyAttemptsError) {
				event.setHeaders({ 'retry-after': String(err.retryAfter) });
				return rejectForm(429, { form: err.message });
			}
			if (err instanceof accounts.AccountError)
				return rejectForm(400, { [err.field ?? 'form']: err.message });
			throw err;
		}
		return { saved: 'Password changed. Every other device you were signed in on has been signed out.' };
	},
	everywhere: async (event) => {
		if (supabaseAuth) await supabaseFor(event, supabaseAuth).auth.signOut({ scope: 'global' });
		else await accounts.signOutEverywhere(system(), event.locals.member!.id);
		event.cookies.delete(SESSION_COOKIE, { path: '/' });
		redirect(303, '/login');
	}
};
