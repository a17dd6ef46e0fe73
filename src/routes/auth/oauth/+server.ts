// Starts a sign-in with an OAuth provider the deployment names (PUBLIC_SUPABASE_AUTH_PROVIDERS):
// Supabase gives the provider's address, with a PKCE verifier kept in a cookie for the callback.
// A link, not a form: the pages' CSP (`form-action 'self'`) would stop a form's redirect to the
// provider, and starting a sign-in with your own provider account changes nothing anyone else has.
import { callbackUrl } from '$lib/server/http/authRedirect';
import { supabaseFor } from '$lib/server/http/supabaseAuth';
import { supabaseAuth } from '$lib/server/http/supabaseMode';
import type { Provider } from '@supabase/supabase-js';
import { error, redirect } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const provider = event.url.searchParams.get('provider') ?? '';
	if (!supabaseAuth?.providers.includes(provider))
		error(400, 'Sign-in with that service is not offered here.');
	const { data, error: refused } = await supabaseFor(event, supabaseAuth).auth.signInWithOAuth({
		provider: provider as Provider,
		options: { redirectTo: callbackUrl(event.url), skipBrowserRedirect: true }
	});
	if (refused || !data.url) error(502, 'The sign-in service did not answer. Try again in a moment.');
	redirect(303, data.url);
};
