import { normaliseJoinCode } from '$lib/joinCode';
import { refusedGuess } from '$lib/server/http/joinGuess';
import { fail, redirect } from '@sveltejs/kit';
import type { Actions } from './$types';

export const actions: Actions = {
	// The code is looked up here (and counted against this address's guesses when it opens nothing),
	// so a wrong code is said beside the box that was typed in, with what was typed.
	join: async (event) => {
		const typed = (await event.request.formData()).get('code');
		const code = typeof typed === 'string' ? normaliseJoinCode(typed) : null;
		const echo = typeof typed === 'string' ? typed.slice(0, 20) : '';
		if (!code)
			return fail(400, { code: echo, error: 'A code has six letters or digits, as shown on the screen.' });
		const refused = await refusedGuess(event, code);
		if (refused) return fail(refused.status, { code: echo, error: refused.message });
		redirect(303, `/j/${code}`);
	}
};
