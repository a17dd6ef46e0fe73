import * as accounts from '$lib/server/accounts';
import { SESSION_COOKIE } from '$lib/server/http/cookies';
import { system } from '$lib/server/db';
import { supabaseFor } from '$lib/server/http/supabaseAuth';
import { supabaseAuth } from '$lib/server/http/supabaseMode';
import { redirect } from '@sveltejs/kit';
import type { Actions } from './$types';

export const actions: Actions = {
	default: async (event) => {
		if (supabaseAuth) await supabaseFor(event, supabaseAuth).auth.signOut();
		const token = event.cookies.get(SESSION_COOKIE);
		if (token) await accounts.signOut(system(), token);
		event.cookies.delete(SESSION_COOKIE, { path: '/' });
		redirect(303, '/');
	}
};
