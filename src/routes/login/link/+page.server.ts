import { callbackUrl } from '$lib/server/http/authRedirect';
import { rejectForm } from '$lib/server/http/forms';
import { supabaseFor } from '$lib/server/http/supabaseAuth';
import { supabaseAuth } from '$lib/server/http/supabaseMode';
import { email, parseForm } from '$lib/validation';
import { error } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';

const LinkRequest = v.object({ email });

/** Sign-in links are Supabase Auth's; the app's own accounts have none. */
const supabaseOnly = () =>
	supabaseAuth ?? error(404, 'Sign-in links are not used here: sign in with your password.');

export const load: PageServerLoad = async () => {
	supabaseOnly();
};

export const actions: Actions = {
	default: async (event) => {
		const config = supabaseOnly();
		const parsed = parseForm(await event.request.formData(), LinkRequest);
		if (!parsed.ok) return rejectForm(400, parsed.errors, parsed.values);
		const { error: refused } = await supabaseFor(event, config).auth.signInWithOtp({
			email: parsed.data.email,
			options: { emailRedirectTo: callbackUrl(event.url) }
		});
		if (refused)
			return rejectForm(refused.status === 429 ? 429 : 400, { form: refused.message }, parsed.data);
		return { sentTo: parsed.data.email };
	}
};
