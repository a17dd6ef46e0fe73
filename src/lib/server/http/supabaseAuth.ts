// Sign-in through Supabase Auth, for deployments that have it (PUBLIC_SUPABASE_URL and a
// publishable key). The token is verified with getClaims(), never trusted from getSession() alone;
// membership and roles still live in the app's own tables, keyed by the Supabase user id.
import { createServerClient } from '@supabase/ssr';
import type { JwtPayload } from '@supabase/supabase-js';
import type { RequestEvent } from '@sveltejs/kit';
import WebSocket from 'ws';
import type { Handle } from '../db';
import { log } from '../ops/log';

export interface SupabaseConfig {
	url: string;
	publishableKey: string;
}

export function supabaseConfig(env: Record<string, string | undefined>): SupabaseConfig | null {
	const url = env.PUBLIC_SUPABASE_URL;
	const publishableKey = env.PUBLIC_SUPABASE_PUBLISHABLE_KEY || env.PUBLIC_SUPABASE_ANON_KEY;
	return url && publishableKey ? { url, publishableKey } : null;
}

export function supabaseFor(event: RequestEvent, config: SupabaseConfig) {
	return createServerClient(config.url, config.publishableKey, {
		cookies: {
			getAll: () => event.cookies.getAll(),
			setAll: (cookies) =>
				cookies.forEach(({ name, value, options }) =>
					event.cookies.set(name, value, { ...options, path: '/' })
				)
		},
		// Node 20 has no global WebSocket; supabase-js's Realtime client needs one at construction.
		realtime: { transport: WebSocket as never }
	});
}

/** Supabase signs a signed-in user's access token for this audience, and with this role. */
const SIGNED_IN = 'authenticated';

/**
 * The verified Supabase user id, with the app's users row created on first sign-in; null for no
 * session or one that does not hold: a bad signature, an unknown algorithm, another audience, an
 * anonymous sign-in, or an e-mail that already belongs to another account here.
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
	return (await ensureUser(system, claims.sub, claims.email)) ? claims.sub : null;
}

/** Users whose row is known to exist: a signed-in request writes nothing. */
const knownUsers = new Set<string>();

/** Creates the user's row on first sign-in; false when their e-mail is another account's here. */
async function ensureUser(system: Handle, id: string, email: string): Promise<boolean> {
	if (knownUsers.has(id)) return true;
	const created = await system.query(
		`insert into users (id, email, display_name) values ($1, lower($2), split_part($2, '@', 1))
		 on conflict do nothing returning id`,
		[id, email]
	);
	if (created.length === 0) {
		const [existing] = await system.query(`select 1 from users where id = $1`, [id]);
		if (!existing) {
			log.warn({ user: id }, 'a Supabase user signed in whose e-mail belongs to another account here');
			return false;
		}
	}
	knownUsers.add(id);
	return true;
}
