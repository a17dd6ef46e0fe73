// Where a browser comes back from Supabase Auth: from a sign-in or confirmation link in an e-mail
// (`token_hash` and `type`, with the e-mail templates docs/deploy.md gives, which work on any
// device; or `code`, with Supabase's own templates, in the browser that asked), or from an OAuth
// provider (`code`). Either way the session is made here, on the server, and the account with it.
import { system } from '$lib/server/db';
import { safeNext } from '$lib/server/http/redirects';
import { finishSignIn, supabaseFor, type SignInProblem } from '$lib/server/http/supabaseAuth';
import { supabaseAuth } from '$lib/server/http/supabaseMode';
import type { EmailOtpType } from '@supabase/supabase-js';
import { error, redirect } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

const LINK_TYPES: readonly EmailOtpType[] = [
	'signup',
	'invite',
	'magiclink',
	'recovery',
	'email_change',
	'email'
];

export const GET: RequestHandler = async (event) => {
	if (!supabaseAuth) error(404, 'Not found');
	const query = event.url.searchParams;
	const client = supabaseFor(event, supabaseAuth);
	const code = query.get('code');
	const tokenHash = query.get('token_hash');
	const type = query.get('type') as EmailOtpType | null;
	const { data, error: refused } = code
		? await client.auth.exchangeCodeForSession(code)
		: tokenHash && type && LINK_TYPES.includes(type)
			? await client.auth.verifyOtp({ token_hash: tokenHash, type })
			: { data: { user: null }, error: 'no code' };
	const next = safeNext(query.get('next'));
	const problem: SignInProblem | null =
		refused || !data.user ? 'link' : await finishSignIn(client, system(), data.user);
	if (problem) redirect(303, `/login?problem=${problem}&next=${encodeURIComponent(next)}`);
	// A password reset link signs them in; the account page is where they choose the new one.
	redirect(303, type === 'recovery' ? '/account' : next);
};
