import { normaliseJoinCode } from '$lib/joinCode';
import { fail, redirect } from '@sveltejs/kit';
import type { Actions } from './$types';

export const actions: Actions = {
	join: async ({ request }) => {
		const typed = (await request.formData()).get('code');
		const code = typeof typed === 'string' ? normaliseJoinCode(typed) : null;
		if (!code)
			return fail(400, {
				code: typeof typed === 'string' ? typed.slice(0, 20) : '',
				error: 'A code has six letters or digits, as shown on the screen.'
			});
		redirect(303, `/j/${code}`);
	}
};
