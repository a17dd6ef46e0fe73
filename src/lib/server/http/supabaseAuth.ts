// Sign-in through Supabase Auth, for deployments that have it (PUBLIC_SUPABASE_URL and a
// publishable key). The token is verified with getClaims(), never trusted from getSession() alone;
// membership and roles still live in the app's own tables, keyed by the Supabase user id.
// Participants keep the app's own tokens: Supabase limits anonymous sign-ins per address, and a
// venue's Wi-Fi is one address.
import { createServerClient } from '@supabase/ssr';
import type { JwtPayload, User } from '@supabase/supabase-js';
import type { RequestEvent } from '@sveltejs/kit';
import WebSocket from 'ws';
import type { Handle } from '../db';
import { accountFor, ensureAccount, type AccountOutcome } from '../supabaseAccounts';

export interface SupabaseConfig {
	url: string;
	publishableKey: string;
	/** The OAuth providers the sign-in page offers (enabled in the Supabase project too), e.g. github. */
	providers: string[];
}

export function supabaseConfig(env: Record<string, string | undefined>): SupabaseConfig | null {
	const url = env.PUBLIC_SUPABASE_URL;
	const publishableKey = env.PUBLIC_SUPABASE_PUBLISHABLE_KEY || env.PUBLIC_SUPABASE_ANON_KEY;
	const providers = (env.PUBLIC_SUPABASE_AUTH_PROVIDERS ?? '')
		.split(',')
		.map((name) => name.trim().toLowerCase())
		.filter((name) => /^[a-z0-9_]+$/.test(name));
	return url && publishableKey ? { url, publishableKey, providers } : null;
}

/** The cookies @supabase/ssr keeps the session (and a sign-in's PKCE verifier) in. */
export const isSupabaseAuthCookie = (name: string) => name.startsWith('sb-');

export function supabaseFor(event: RequestEvent, config: SupabaseConfig) {
	return createServerClient(config.url, config.publishableKey, {
		cookies: {
			getAll: () => event.cookies.getAll(),
			setAll: (cookies) =>
				cookies.forEach(({ name, value, options }) =>
					event.cookies.set(name, value, {
						...options,
						path: '/',
						// Only the server reads them. Secure only over https: a venue's plain-http address
						// must keep working, and a browser drops a Secure cookie sent over http.
						httpOnly: true,
						secure: event.url.protocol === 'https:'
					})
				)
		},
		// Node 20 has no global WebSocket; supabase-js's Realtime client needs one at construction.
		realtime: { transport: WebSocket as never }
	});
}

export type SupabaseClient = ReturnType<typeof supabaseFor>;

/** Supabase signs a signed-in user's access token for this audience, and with this role. */
const SIGNED_IN = 'authenticated';

/**
 * The verified Supabase user id; null for no session or one that does not hold: a bad signature,
 * an unknown algorithm, another audience, an anonymous sign-in, or an e-mail that already belongs
 * to another account here.
 */
export async function verifiedUserId(
	event: RequestEvent,
	config: SupabaseConfig,
	system: Handle
): Promise<string | null> {
	let claims: JwtPayload | undefined;
	try {
		const { data, error } = await supabaseFor(event, config).auth.getClaims();
		if (error) return null;
		claims = data?.claims;
	} catch {
		return null; // a token it could not even check (an algorithm it does not know)
	}
	if (!claims?.sub || typeof claims.email !== 'string') return null;
	const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
	if (!audiences.includes(SIGNED_IN) || claims.role !== SIGNED_IN || claims.is_anonymous === true)
		return null;
	return (await knownAccount(system, claims.sub, claims.email)) ? claims.sub : null;
}

/** Users whose account is known to exist: a signed-in request writes nothing. */
const knownUsers = new Set<string>();

/** Sign-in makes the account; a session that began elsewhere gets one on its first request here. */
async function knownAccount(system: Handle, id: string, email: string): Promise<boolean> {
	if (knownUsers.has(id)) return true;
	if (!(await ensureAccount(system, { id, email, name: null }))) return false;
	knownUsers.add(id);
	return true;
}

/** Why a sign-in did not end signed in, as the sign-in page says it (`/login?problem=…`). */
export const SIGN_IN_PROBLEMS = {
	'email-unconfirmed':
		'An account here already uses this e-mail address, and this sign-in did not prove the address is yours. Sign in with a link sent to that address instead: your account will then be joined to it.',
	link: 'That sign-in link did not work: it may have been used already, or have expired. Ask for a new one.'
} as const;
export type SignInProblem = keyof typeof SIGN_IN_PROBLEMS;

/**
 * Finishes a sign-in Supabase has accepted: makes, finds or links the user's account here. When it
 * cannot be theirs the Supabase session is ended again, and the problem returned.
 */
export async function finishSignIn(
	client: SupabaseClient,
	system: Handle,
	user: User
): Promise<SignInProblem | null> {
	const outcome: AccountOutcome = user.email
		? await accountFor(system, {
				id: user.id,
				email: user.email,
				emailConfirmed: Boolean(user.email_confirmed_at),
				name: nameOf(user)
			})
		: 'email-unconfirmed';
	if (outcome === 'ready') {
		knownUsers.add(user.id);
		return null;
	}
	await client.auth.signOut({ scope: 'local' });
	return outcome;
}

/** The name they gave at sign-up here, or the one their OAuth provider gave. */
function nameOf(user: User): string | null {
	const metadata = user.user_metadata ?? {};
	for (const key of ['display_name', 'full_name', 'name']) {
		if (typeof metadata[key] === 'string' && metadata[key].trim()) return metadata[key];
	}
	return null;
}
