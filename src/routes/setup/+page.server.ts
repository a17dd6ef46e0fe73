import * as accounts from '$lib/server/accounts';
import { startSession } from '$lib/server/http/cookies';
import { system } from '$lib/server/db';
import { rejectForm } from '$lib/server/http/forms';
import { email, newPassword, parseForm, text } from '$lib/validation';
import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';

const Setup = v.object({
	org_name: text('Organisation name', 1, 120),
	display_name: text('Your name', 1, 80),
	email,
	password: newPassword
});

export const load: PageServerLoad = async () => {
	if (!(await accounts.setupNeeded(system()))) redirect(303, '/login');
};

export const actions: Actions = {
	default: async ({ request, cookies, url }) => {
		const parsed = parseForm(await request.formData(), Setup);
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
			if (!(error instanceof accounts.AccountError)) throw error;
			const { password: _password, ...values } = parsed.data;
			return rejectForm(400, { [error.field ?? 'form']: error.message }, values);
		}
		redirect(303, '/org');
	}
};
