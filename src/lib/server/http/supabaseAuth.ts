// Sign-in through Supabase Auth, for deployments that have it (PUBLIC_SUPABASE_URL and a
// publishable key). The token is verified with getClaims(), never trusted from getSession() alone;
// membership and roles still live in the app's own tables, keyed by the Supabase user id.
import { createServerClient } from '@supabase/ssr';
import type { RequestEvent } from '@sveltejs/kit';
import WebSocket from 'ws';
import type { Handle } from '../db';

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

/** The verified Supabase user id, with the app's users row created on first sign-in. */
export async function verifiedUserId(
	event: RequestEvent,
	config: SupabaseConfig,
	system: Handle
): Promise<string | null> {
	const { data, error } = await supabaseFor(event, config).auth.getClaims();
	const claims = data?.claims;
	if (error || !claims?.sub || typeof claims.email !== 'string') return null;
	await system.query(
		`insert into users (id, email, display_name) values ($1, lower($2), split_part($2, '@', 1))
		 on conflict (id) do nothing`,
		[claims.sub, claims.email]
	);
	return claims.sub;
}
