// Signing members in with Supabase Auth, against a stand-in for it on loopback (tests/setup): an
// ES256 key made here and its JWKS, the user endpoint (legacy HS256 tokens) and the token grants,
// as supabase-js calls them. The session travels in the cookie @supabase/ssr writes.
import * as accounts from '$lib/server/accounts';
import type { Database } from '$lib/server/db';
import * as organisations from '$lib/server/organisations';
import { accountFor } from '$lib/server/supabaseAccounts';
import { verifiedUserId } from '$lib/server/http/supabaseAuth';
import type { RequestEvent } from '@sveltejs/kit';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import { asMember, member, organisation, workshop } from '../setup/fixtures';
import { startSupabaseStandIn, type StandInUser, type SupabaseStandIn } from '../setup/supabaseStandIn';

const now = () => Math.floor(Date.now() / 1000);
const b64url = (data: string) => Buffer.from(data).toString('base64url');

describe.each(engines)('Supabase Auth sign-in on %s', (engine) => {
	let db: Database;
	let auth: SupabaseStandIn;
	let ana: StandInUser;
	const foreign = generateKeyPairSync('ec', { namedCurve: 'P-256' });

	beforeAll(async () => {
		db = await freshDatabase(engine);
		// Its own key id: supabase-js keeps a project's keys for a while, by id, as Supabase rotates them.
		auth = await startSupabaseStandIn({ kid: `stand-in-key-${engine}` });
		ana = auth.addUser({ email: 'ana@example.com' });
	});
	afterAll(async () => {
		await auth?.close();
		await db?.close();
	});

	/** Who the app says a request carrying this session cookie is. */
	function signedIn(accessToken: string, refreshToken = 'none', expiresAt = now() + 3600) {
		const session = {
			access_token: accessToken,
			refresh_token: refreshToken,
			token_type: 'bearer',
			expires_in: expiresAt - now(),
			expires_at: expiresAt,
			user: { id: ana.id, email: ana.email, aud: 'authenticated', role: 'authenticated' }
		};
		const value = `base64-${b64url(JSON.stringify(session))}`;
		const event = {
			url: new URL('http://127.0.0.1/'),
			cookies: { getAll: () => [{ name: 'sb-127-auth-token', value }], set: () => {} }
		} as unknown as RequestEvent;
		return verifiedUserId(event, { url: auth.url, publishableKey: auth.publishableKey, providers: [] }, db);
	}

	it('accepts a token signed by the project’s key, and creates the user once', async () => {
		const token = auth.accessToken(ana);
		expect(await signedIn(token)).toBe(ana.id);
		expect(await signedIn(token)).toBe(ana.id);
		const rows = await db.query(`select email from users where id = $1`, [ana.id]);
		expect(rows).toEqual([{ email: 'ana@example.com' }]);
	});

	it('refreshes an expired session with its refresh token, and refuses one whose refresh token is not good', async () => {
		const expired = auth.accessToken(ana, { exp: now() - 60 });
		expect(await signedIn(expired, auth.refreshTokenFor(ana), now() - 60)).toBe(ana.id);
		expect(await signedIn(expired, 'a-refresh-token-long-expired', now() - 60)).toBeNull();
	});

	it('refuses a foreign key, no algorithm, another audience, another role and an anonymous sign-in', async () => {
		const none = `${b64url(JSON.stringify({ alg: 'none', kid: auth.kid, typ: 'JWT' }))}.${b64url(JSON.stringify({ sub: ana.id, email: ana.email, aud: 'authenticated', role: 'authenticated', exp: now() + 60 }))}.`;
		const refused = [
			auth.accessToken(ana, {}, foreign.privateKey),
			none,
			auth.accessToken(ana, { aud: 'another-service' }),
			auth.accessToken(ana, { role: 'service_role' }),
			auth.accessToken(ana, { is_anonymous: true })
		];
		for (const token of refused) expect(await signedIn(token)).toBeNull();
	});

	it('checks a legacy HS256 token with the server, and refuses one it does not sign', async () => {
		const ben = { id: randomUUID(), email: 'ben@example.com' };
		const claims = {
			sub: ben.id,
			email: ben.email,
			aud: 'authenticated',
			role: 'authenticated',
			exp: now() + 60
		};
		expect(await signedIn(auth.hs256(claims))).toBe(ben.id);
		expect(await signedIn(auth.hs256(claims, 'a-guessed-secret'))).toBeNull();
	});

	it('refuses, without an error, a session whose e-mail already belongs to another account here', async () => {
		await db.query(`insert into users (email, display_name) values ('cy@example.com', 'Cy')`);
		const impostor = { id: randomUUID(), email: 'cy@example.com' };
		expect(await signedIn(auth.accessToken(impostor))).toBeNull();
		const rows = await db.query(`select count(*)::int as n from users where email = 'cy@example.com'`);
		expect(rows).toEqual([{ n: 1 }]);
	});

	describe('the account a sign-in makes', () => {
		it('is made on the first sign-in with the name given at sign-up, and found after', async () => {
			const dee = { id: randomUUID(), email: 'Dee@Example.com', emailConfirmed: true, name: 'Dee Okafor' };
			expect(await accountFor(db, dee)).toBe('ready');
			expect(await accountFor(db, { ...dee, name: 'Another name' })).toBe('ready');
			const rows = await db.query(`select email, display_name from users where id = $1`, [dee.id]);
			expect(rows).toEqual([{ email: 'dee@example.com', display_name: 'Dee Okafor' }]);
		});

		it('links an existing account to a Supabase user whose e-mail is confirmed: roles, workshops and invites stay theirs', async () => {
			const org = await organisation(db, 'Linking Ltd');
			const oldId = await member(db, org, 'owner', 'Eve');
			const { id: workshopId } = await workshop(db, org, oldId);
			await organisations.createInvite(asMember(db, oldId), oldId, org, 'leader');
			await accounts.openSession(db, oldId);
			const eve = { id: randomUUID(), email: 'eve@example.com', emailConfirmed: true, name: null };

			expect(await accountFor(db, eve)).toBe('ready');
			expect(await db.query(`select id, display_name from users where email = 'eve@example.com'`)).toEqual([
				{ id: eve.id, display_name: 'Eve' }
			]);
			expect(await db.query(`select role from memberships where user_id = $1`, [eve.id])).toEqual([
				{ role: 'owner' }
			]);
			expect(await db.query(`select created_by from workshops where id = $1`, [workshopId])).toEqual([
				{ created_by: eve.id }
			]);
			expect(
				await db.query(`select count(*)::int as n from invites where created_by = $1`, [eve.id])
			).toEqual([{ n: 1 }]);
			expect(await db.query(`select count(*)::int as n from sessions where user_id = $1`, [eve.id])).toEqual([
				{ n: 0 }
			]);
			// What the policies let the linked account see is what the old one could.
			expect(await organisations.members(asMember(db, eve.id), org)).toHaveLength(1);
		});

		it('does not link an account to a Supabase user whose e-mail is not confirmed', async () => {
			const org = await organisation(db, 'Careful Co');
			const oldId = await member(db, org, 'facilitator', 'Fay');
			const fay = { id: randomUUID(), email: 'fay@example.com', emailConfirmed: false, name: 'Fay' };
			expect(await accountFor(db, fay)).toBe('email-unconfirmed');
			expect(await db.query(`select id from users where email = 'fay@example.com'`)).toEqual([{ id: oldId }]);
			expect(await db.query(`select 1 from users where id = $1`, [fay.id])).toEqual([]);
		});

		it('lets a new Supabase user accept an invite, as themselves, once', async () => {
			const org = await organisation(db, 'Invited Inc');
			const owner = await member(db, org, 'owner');
			const token = await organisations.createInvite(asMember(db, owner), owner, org, 'facilitator');
			const gus = auth.addUser({ email: 'gus@example.com' });
			expect(await signedIn(auth.accessToken(gus))).toBe(gus.id);

			expect(await organisations.acceptInvite(asMember(db, gus.id), token)).toBe(org);
			expect(await db.query(`select role from memberships where user_id = $1`, [gus.id])).toEqual([
				{ role: 'facilitator' }
			]);
			const hal = auth.addUser({ email: 'hal@example.com' });
			expect(await signedIn(auth.accessToken(hal))).toBe(hal.id);
			expect(await organisations.acceptInvite(asMember(db, hal.id), token)).toBeNull();
		});
	});
});
