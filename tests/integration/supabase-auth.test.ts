// Signing members in with Supabase Auth, against a stand-in for it on loopback: an ES256 key made
// here and its JWKS, the user endpoint (legacy HS256 tokens) and the refresh endpoint, as supabase-js
// calls them. The session travels in the cookie @supabase/ssr writes.
import type { Database } from '$lib/server/db';
import { verifiedUserId } from '$lib/server/http/supabaseAuth';
import type { RequestEvent } from '@sveltejs/kit';
import { createHmac, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';

const HS_SECRET = 'the-legacy-jwt-secret-of-the-stand-in';
const GOOD_REFRESH = 'a-refresh-token-the-stand-in-knows';

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

function es256(key: KeyObject, kid: string, claims: Record<string, unknown>): string {
	const head = b64url(JSON.stringify({ alg: 'ES256', kid, typ: 'JWT' }));
	const body = b64url(JSON.stringify(claims));
	const signature = sign('sha256', Buffer.from(`${head}.${body}`), { key, dsaEncoding: 'ieee-p1363' });
	return `${head}.${body}.${b64url(signature)}`;
}

function hs256(claims: Record<string, unknown>, secret = HS_SECRET): string {
	const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
	const body = b64url(JSON.stringify(claims));
	return `${head}.${body}.${b64url(createHmac('sha256', secret).update(`${head}.${body}`).digest())}`;
}

/** A signed-in user's claims, as Supabase writes them. */
function userClaims(user: { id: string; email: string }, more: Record<string, unknown> = {}) {
	return {
		sub: user.id,
		email: user.email,
		aud: 'authenticated',
		role: 'authenticated',
		iat: now(),
		exp: now() + 3600,
		...more
	};
}

describe.each(engines)('Supabase Auth sign-in on %s', (engine) => {
	// Its own key id: supabase-js keeps a project's keys for a while, by id, as Supabase rotates them.
	const KID = `stand-in-key-${engine}`;
	let db: Database;
	let standIn: http.Server;
	let url: string;
	const signing = generateKeyPairSync('ec', { namedCurve: 'P-256' });
	const foreign = generateKeyPairSync('ec', { namedCurve: 'P-256' });
	const ana = { id: randomUUID(), email: 'ana@example.com' };

	beforeAll(async () => {
		db = await freshDatabase(engine);
		const jwk = { ...signing.publicKey.export({ format: 'jwk' }), kid: KID, alg: 'ES256', use: 'sig' };
		standIn = http.createServer((req, res) => {
			const reply = (status: number, body: unknown) => {
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(body));
			};
			const path = new URL(req.url!, 'http://x').pathname;
			if (path === '/auth/v1/.well-known/jwks.json') return reply(200, { keys: [jwk] });
			if (path === '/auth/v1/user') {
				// The legacy path: the server checks an HS256 token itself.
				const token = req.headers.authorization?.replace('Bearer ', '') ?? '';
				const [head, body] = token.split('.');
				const claims = JSON.parse(Buffer.from(body ?? '', 'base64url').toString() || '{}');
				if (token !== hs256(claims) || !head) return reply(401, { code: 401, msg: 'invalid JWT' });
				return reply(200, {
					id: claims.sub,
					email: claims.email,
					aud: 'authenticated',
					role: 'authenticated'
				});
			}
			if (path === '/auth/v1/token') {
				let text = '';
				req.on('data', (chunk) => (text += chunk));
				req.on('end', () => {
					if (JSON.parse(text).refresh_token !== GOOD_REFRESH)
						return reply(400, { error: 'invalid_grant', error_description: 'Invalid Refresh Token' });
					reply(200, session(es256(signing.privateKey, KID, userClaims(ana))));
				});
				return;
			}
			reply(404, { msg: 'not here' });
		});
		await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
		url = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		await new Promise((resolve) => standIn?.close(resolve));
		await db?.close();
	});

	function session(accessToken: string, refreshToken = GOOD_REFRESH, expiresAt = now() + 3600) {
		return {
			access_token: accessToken,
			refresh_token: refreshToken,
			token_type: 'bearer',
			expires_in: expiresAt - now(),
			expires_at: expiresAt,
			user: { id: ana.id, email: ana.email, aud: 'authenticated', role: 'authenticated' }
		};
	}

	/** Who the app says a request carrying this session cookie is. */
	function signedIn(accessToken: string, refreshToken?: string, expiresAt?: number) {
		const value = `base64-${b64url(JSON.stringify(session(accessToken, refreshToken, expiresAt)))}`;
		const event = {
			cookies: { getAll: () => [{ name: 'sb-127-auth-token', value }], set: () => {} }
		} as unknown as RequestEvent;
		return verifiedUserId(event, { url, publishableKey: 'sb_publishable_stand_in' }, db);
	}

	it('accepts a token signed by the project’s key, and creates the user once', async () => {
		const token = es256(signing.privateKey, KID, userClaims(ana));
		expect(await signedIn(token)).toBe(ana.id);
		expect(await signedIn(token)).toBe(ana.id);
		const rows = await db.query(`select email from users where id = $1`, [ana.id]);
		expect(rows).toEqual([{ email: 'ana@example.com' }]);
	});

	it('refreshes an expired session with its refresh token, and refuses one whose refresh token is not good', async () => {
		const expired = es256(signing.privateKey, KID, userClaims(ana, { exp: now() - 60 }));
		expect(await signedIn(expired, GOOD_REFRESH, now() - 60)).toBe(ana.id);
		expect(await signedIn(expired, 'a-refresh-token-long-expired', now() - 60)).toBeNull();
	});

	it('refuses a foreign key, no algorithm, another audience, another role and an anonymous sign-in', async () => {
		const none = `${b64url(JSON.stringify({ alg: 'none', kid: KID, typ: 'JWT' }))}.${b64url(JSON.stringify(userClaims(ana)))}.`;
		const refused = [
			es256(foreign.privateKey, KID, userClaims(ana)),
			none,
			es256(signing.privateKey, KID, userClaims(ana, { aud: 'another-service' })),
			es256(signing.privateKey, KID, userClaims(ana, { role: 'service_role' })),
			es256(signing.privateKey, KID, userClaims(ana, { is_anonymous: true }))
		];
		for (const token of refused) expect(await signedIn(token)).toBeNull();
	});

	it('checks a legacy HS256 token with the server, and refuses one it does not sign', async () => {
		const ben = { id: randomUUID(), email: 'ben@example.com' };
		expect(await signedIn(hs256(userClaims(ben)))).toBe(ben.id);
		expect(await signedIn(hs256(userClaims(ben), 'a-guessed-secret'))).toBeNull();
	});

	it('refuses, without an error, a user whose e-mail already belongs to another account here', async () => {
		await db.query(`insert into users (email, display_name) values ('cy@example.com', 'Cy')`);
		const impostor = { id: randomUUID(), email: 'cy@example.com' };
		expect(await signedIn(es256(signing.privateKey, KID, userClaims(impostor)))).toBeNull();
		const rows = await db.query(`select count(*)::int as n from users where email = 'cy@example.com'`);
		expect(rows).toEqual([{ n: 1 }]);
	});
});
