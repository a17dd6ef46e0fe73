import { env } from '$env/dynamic/public';
import * as accounts from '$lib/server/accounts';
import { SESSION_COOKIE } from '$lib/server/http/cookies';
import { system } from '$lib/server/db';
import { supabaseConfig, supabaseFor } from '$lib/server/http/supabaseAuth';
import { redirect } from '@sveltejs/kit';
import type { Actions } from './$types';

export const actions: Actions = {
	default: async (event) => {
		const supabase = supabaseConfig({ ...env });
		if (supabase) await supabaseFor(event, supabase).auth.signOut();
		const token = event.cookies.get(SESSION_COOKIE);
		if (token) await accounts.signOut(system(), token);
		event.cookies.delete(SESSION_COOKIE, { path: '/' });
		redirect(303, '/');
	}
};
