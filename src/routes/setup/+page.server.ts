import * as accounts from '$lib/server/accounts';
import { startSession } from '$lib/server/http/cookies';
import { system } from '$lib/server/db';
import { rejectForm } from '$lib/server/http/forms';
import { supabaseAuth } from '$lib/server/http/supabaseMode';
import { email, newPassword, parseForm, text } from '$lib/validation';
import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';

const Organisation = { org_name: text('Organisation name', 1, 120), display_name: text('Your name', 1, 80) };
const Setup = v.object({ ...Organisation, email, password: newPassword });
/** With Supabase Auth the owner has signed up with Supabase first; here they name the organisation. */
const SetupSignedIn = v.object(Organisation);

export const load: PageServerLoad = async () => {
	if (!(await accounts.setupNeeded(system()))) redirect(303, '/login');
	return { supabase: Boolean(supabaseAuth) };
};

/** Field errors for a refused setup, with what was typed (never the password). */
function refused(error: unknown, values: Record<string, string>) {
	if (!(error instanceof accounts.AccountError)) throw error;
	const { password: _password, ...kept } = values;
	return rejectForm(400, { [error.field ?? 'form']: error.message }, kept);
}

export const actions: Actions = {
	default: async ({ request, cookies, url, locals }) => {
		const form = await request.formData();
		if (supabaseAuth) {
			if (!locals.member) redirect(303, '/signup?next=/setup');
			const parsed = parseForm(form, SetupSignedIn);
			if (!parsed.ok) return rejectForm(400, parsed.errors, parsed.values);
			try {
				await accounts.setupForUser(system(), {
					orgName: parsed.data.org_name,
					displayName: parsed.data.display_name,
					userId: locals.member.id
				});
			} catch (error) {
				return refused(error, parsed.data);
			}
			redirect(303, '/org');
		}
		const parsed = parseForm(form, Setup);
		if (!parsed.ok) return rejectForm(400, parsed.errors, parsed.values);
		const { org_name, display_name, ...login } = parsed.data;
		try {
			const { userId } = await accounts.setup(system(), {
				orgName: org_name,
				displayName: display_name,
				...login
			});
			await startSession(cookies, url, userId);
		} catch (error) {
			return refused(error, parsed.data);
		}
		redirect(303, '/org');
	}
};
