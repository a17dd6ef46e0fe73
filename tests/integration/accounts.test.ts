import * as accounts from '$lib/server/accounts';
import type { Database } from '$lib/server/db';
import { hashToken } from '$lib/server/tokens';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';

describe.each(engines)('accounts on %s', (engine) => {
	let db: Database;
	beforeAll(async () => {
		db = await freshDatabase(engine);
	});
	afterAll(() => db.close());

	const password = 'a long enough password';

	it('first-run setup creates the organisation and its owner once', async () => {
		await db.query(`insert into organisations (name, is_demo) values ('Demo', true)`);
		expect(await accounts.setupNeeded(db)).toBe(true);
		const { userId, orgId } = await accounts.setup(db, {
			orgName: 'Harbour',
			email: 'owner@harbour.test',
			displayName: 'Olive',
			password
		});
		const me = await accounts.member(db, userId);
		expect(me).toMatchObject({
			email: 'owner@harbour.test',
			memberships: [{ orgId, orgName: 'Harbour', role: 'owner' }]
		});
		expect(await accounts.setupNeeded(db)).toBe(false);
		await expect(
			accounts.setup(db, { orgName: 'Again', email: 'x@harbour.test', displayName: 'X', password })
		).rejects.toThrow('already been set up');
	});

	it('signs in with the right password and opens a session that signs out', async () => {
		await accounts.createUser(db, { email: 'sam@example.com', displayName: 'Sam', password });
		const { token, userId } = await accounts.signIn(db, {
			email: 'sam@example.com',
			password,
			address: '10.0.0.1'
		});
		expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(await accounts.userForSession(db, token)).toBe(userId);
		// Only the hash is stored.
		expect(await db.query(`select 1 from sessions where token_hash = $1`, [token])).toEqual([]);
		expect(await db.query(`select 1 from sessions where token_hash = $1`, [hashToken(token)])).toHaveLength(
			1
		);
		await accounts.signOut(db, token);
		expect(await accounts.userForSession(db, token)).toBeNull();
	});

	it('refuses a wrong password or unknown e-mail with the same message', async () => {
		const wrong = accounts.signIn(db, { email: 'sam@example.com', password: 'nope', address: '10.0.0.2' });
		await expect(wrong).rejects.toThrow('do not match an account');
		const unknown = accounts.signIn(db, { email: 'nobody@example.com', password, address: '10.0.0.2' });
		await expect(unknown).rejects.toThrow('do not match an account');
	});

	it('ignores expired sessions', async () => {
		const { token, userId } = await accounts.signIn(db, {
			email: 'sam@example.com',
			password,
			address: '10.0.0.3'
		});
		await db.query(`update sessions set expires_at = now() - interval '1 second' where user_id = $1`, [
			userId
		]);
		expect(await accounts.userForSession(db, token)).toBeNull();
	});

	it('refuses a second account with the same e-mail', async () => {
		await expect(
			accounts.createUser(db, { email: 'sam@example.com', displayName: 'Other Sam', password })
		).rejects.toMatchObject({ field: 'email' });
	});

	it('rate-limits sign-in per e-mail, even with the right password afterwards', async () => {
		await accounts.createUser(db, { email: 'target@example.com', displayName: 'T', password });
		for (let i = 0; i < accounts.MAX_ATTEMPTS_PER_EMAIL; i++) {
			await expect(
				accounts.signIn(db, { email: 'target@example.com', password: `guess ${i}`, address: `10.1.0.${i}` })
			).rejects.toThrow('do not match');
		}
		await expect(
			accounts.signIn(db, { email: 'target@example.com', password, address: '10.1.1.1' })
		).rejects.toBeInstanceOf(accounts.TooManyAttemptsError);
		// Someone else is not locked out by it.
		await expect(
			accounts.signIn(db, { email: 'sam@example.com', password, address: '10.1.1.1' })
		).resolves.toBeTruthy();
	});

	it('rate-limits sign-in per network address across e-mails', async () => {
		for (let i = 0; i < accounts.MAX_ATTEMPTS_PER_ADDRESS; i++) {
			await db.query(`insert into sign_in_attempts (key) values ('address:10.9.9.9')`);
		}
		await expect(
			accounts.signIn(db, { email: 'sam@example.com', password, address: '10.9.9.9' })
		).rejects.toBeInstanceOf(accounts.TooManyAttemptsError);
	});
});
