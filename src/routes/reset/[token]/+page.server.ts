import * as accounts from '$lib/server/accounts';
import { startSession } from '$lib/server/http/cookies';
import { system } from '$lib/server/db';
import { rejectForm } from '$lib/server/http/forms';
import { newPassword, parseForm } from '$lib/validation';
import { error, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';

const NewPassword = v.object({ password: newPassword });
const USED =
	'This password link has been used or has expired. Ask an owner of your organisation for a new one.';

export const load: PageServerLoad = async ({ params }) => {
	const account = await accounts.previewPasswordReset(system(), params.token);
	if (!account) error(404, USED);
	return { account };
};

export const actions: Actions = {
	default: async ({ request, params, cookies, url }) => {
		const parsed = parseForm(await request.formData(), NewPassword);
		if (!parsed.ok) return rejectForm(400, parsed.errors);
		let userId: string;
		try {
			userId = await accounts.resetPassword(system(), params.token, parsed.data.password);
		} catch (err) {
			if (err instanceof accounts.LinkUsedError) return rejectForm(410, { form: USED });
			throw err;
		}
		// Every other session has ended; this browser starts a fresh one.
		await startSession(cookies, url, userId);
		redirect(303, '/account');
	}
};
