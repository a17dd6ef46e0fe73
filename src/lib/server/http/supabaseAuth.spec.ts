import type { RequestEvent } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { supabaseConfig, supabaseFor } from './supabaseAuth';

// No Supabase project is reachable here: these check the wiring up to the network, which is where
// Node 20 fails without the `ws` transport ("Node.js 20 detected without native WebSocket support").
const config = { url: 'http://127.0.0.1:9', publishableKey: 'sb_publishable_test', providers: [] };

function eventWithoutSession(): RequestEvent {
	const cookies = { getAll: () => [], set: () => {} };
	return { cookies } as unknown as RequestEvent;
}

describe('Supabase Auth wiring', () => {
	it('is on only when both the URL and a publishable (or legacy anon) key are set', () => {
		expect(supabaseConfig({})).toBeNull();
		expect(supabaseConfig({ PUBLIC_SUPABASE_URL: 'https://x.supabase.co' })).toBeNull();
		expect(
			supabaseConfig({ PUBLIC_SUPABASE_URL: 'https://x.supabase.co', PUBLIC_SUPABASE_PUBLISHABLE_KEY: 'pk' })
		).toEqual({ url: 'https://x.supabase.co', publishableKey: 'pk', providers: [] });
		expect(
			supabaseConfig({ PUBLIC_SUPABASE_URL: 'https://x.supabase.co', PUBLIC_SUPABASE_ANON_KEY: 'anon' })
		).toEqual({
			url: 'https://x.supabase.co',
			publishableKey: 'anon',
			providers: []
		});
	});

	it('offers the OAuth providers named, in order, and drops what is not a provider id', () => {
		const config = supabaseConfig({
			PUBLIC_SUPABASE_URL: 'https://x.supabase.co',
			PUBLIC_SUPABASE_PUBLISHABLE_KEY: 'pk',
			PUBLIC_SUPABASE_AUTH_PROVIDERS: ' GitHub, google ,, linkedin_oidc, <script>'
		});
		expect(config?.providers).toEqual(['github', 'google', 'linkedin_oidc']);
	});

	it('builds a server client on Node 20 (Realtime gets the ws transport)', () => {
		const client = supabaseFor(eventWithoutSession(), config);
		expect(typeof client.auth.getClaims).toBe('function');
	});
});
