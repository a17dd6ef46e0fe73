import * as accounts from '$lib/server/accounts';
import type { Database } from '$lib/server/db';
import * as organisations from '$lib/server/organisations';
import { hashToken } from '$lib/server/tokens';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import { asMember, member, organisation } from '../setup/fixtures';

// How many passwords were really hashed and checked: the proof that a refused attempt costs nothing.
const spent = vi.hoisted(() => ({ verified: 0, hashed: 0 }));
vi.mock('$lib/server/passwords', async (importOriginal) => {
	const original = await importOriginal<typeof import('$lib/server/passwords')>();
	return {
		...original,
		verifyPassword: (password: string, stored: string) => {
			spent.verified++;
			return original.verifyPassword(password, stored);
		},
		hashPassword: (password: string) => {
			spent.hashed++;
			return original.hashPassword(password);
		}
	};
});

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

	describe('sign-in limits', () => {
		const { accountAddress, address, account } = accounts.LIMITS;
		const throttle = async (key: string) => {
			const [row] = await db.query<{ attempts: number; delay: number }>(
				`select attempts, extract(epoch from next_at - updated_at)::float8 as delay
				 from sign_in_throttles where key = $1`,
				[key]
			);
			return row;
		};
		beforeEach(() => {
			spent.verified = 0;
		});

		it('checks at most the free attempts of 25 parallel wrong guesses, counting them first', async () => {
			await accounts.createUser(db, { email: 'target@example.com', displayName: 'T', password });
			const guesses = await Promise.allSettled(
				Array.from({ length: 25 }, (_, i) =>
					accounts.signIn(db, { email: 'target@example.com', password: `guess ${i}`, address: '10.1.0.1' })
				)
			);
			const reasons = guesses.map((g) => (g.status === 'rejected' ? (g.reason as Error) : null));
			const wrong = reasons.filter((r) => r instanceof accounts.AccountError);
			const slowed = reasons.filter((r) => r instanceof accounts.TooManyAttemptsError);
			expect(spent.verified).toBe(accountAddress.free);
			expect(wrong).toHaveLength(accountAddress.free);
			expect(slowed).toHaveLength(25 - accountAddress.free);
			expect((await throttle('account+address:target@example.com 10.1.0.1'))?.attempts).toBe(
				accountAddress.free
			);
			expect((slowed[0] as accounts.TooManyAttemptsError).message).toMatch(/Try again in \d+ seconds?/);
		});

		it('does not lock the owner out from their own address', async () => {
			await expect(
				accounts.signIn(db, { email: 'target@example.com', password, address: '10.2.0.1' })
			).resolves.toBeTruthy();
			// …and the guesser's own count stands (the owner's success does not wash it away).
			expect((await throttle('account+address:target@example.com 10.1.0.1'))?.attempts).toBe(
				accountAddress.free
			);
		});

		it('doubles the wait after each attempt past the free ones, up to a ceiling', async () => {
			const key = 'account+address:target@example.com 10.1.0.1';
			expect((await throttle(key))?.delay).toBe(accountAddress.firstDelay);
			const next = async () => {
				await db.query(`update sign_in_throttles set next_at = now() where key = $1`, [key]);
				await expect(
					accounts.signIn(db, { email: 'target@example.com', password: 'again', address: '10.1.0.1' })
				).rejects.toBeInstanceOf(accounts.AccountError);
				return (await throttle(key))?.delay;
			};
			expect(await next()).toBe(accountAddress.firstDelay * 2);
			expect(await next()).toBe(accountAddress.firstDelay * 4);
			await db.query(`update sign_in_throttles set attempts = 100 where key = $1`, [key]);
			expect(await next()).toBe(accountAddress.maxDelay);
			// A key that has been quiet for an hour starts afresh.
			await db.query(
				`update sign_in_throttles set updated_at = now() - interval '61 minutes' where key = $1`,
				[key]
			);
			await expect(
				accounts.signIn(db, { email: 'target@example.com', password, address: '10.1.0.1' })
			).resolves.toBeTruthy();
		});

		it('slows guesses spread over many addresses only mildly for the owner', async () => {
			await accounts.createUser(db, { email: 'spread@example.com', displayName: 'S', password });
			for (let i = 0; i < account.free; i++) {
				await expect(
					accounts.signIn(db, { email: 'spread@example.com', password: `g${i}`, address: `10.3.0.${i}` })
				).rejects.toBeInstanceOf(accounts.AccountError);
			}
			const key = 'account:spread@example.com';
			expect(await throttle(key)).toEqual({ attempts: account.free, delay: account.firstDelay });
			// However long the botnet keeps going, the account's own wait stays at the ceiling…
			await db.query(
				`update sign_in_throttles set attempts = 1000, next_at = now() + make_interval(secs => $2)
				 where key = $1`,
				[key, account.maxDelay]
			);
			const refused = await accounts
				.signIn(db, { email: 'spread@example.com', password, address: '10.4.0.1' })
				.catch((error: unknown) => error);
			expect(refused).toBeInstanceOf(accounts.TooManyAttemptsError);
			expect((refused as accounts.TooManyAttemptsError).retryAfter).toBeLessThanOrEqual(account.maxDelay);
			// …and once it has passed, the owner is in.
			await db.query(`update sign_in_throttles set next_at = now() where key = $1`, [key]);
			await expect(
				accounts.signIn(db, { email: 'spread@example.com', password, address: '10.4.0.1' })
			).resolves.toBeTruthy();
		});

		it('slows one address spraying many accounts, checking nothing while it waits', async () => {
			await db.query(
				`insert into sign_in_throttles (key, attempts, next_at) values ('address:10.9.9.9', $1, now() + interval '1 minute')`,
				[address.free]
			);
			await expect(
				accounts.signIn(db, { email: 'sam@example.com', password, address: '10.9.9.9' })
			).rejects.toBeInstanceOf(accounts.TooManyAttemptsError);
			await expect(
				accounts.signIn(db, { email: 'nobody@example.com', password, address: '10.9.9.9' })
			).rejects.toBeInstanceOf(accounts.TooManyAttemptsError);
			expect(spent.verified).toBe(0);
			await expect(
				accounts.signIn(db, { email: 'sam@example.com', password, address: '10.9.9.10' })
			).resolves.toBeTruthy();
		});

		it('a success clears the owner’s own key and gives back its attempt on the shared ones', async () => {
			await accounts.createUser(db, { email: 'typo@example.com', displayName: 'T', password });
			for (const typo of ['typo 1', 'typo 2']) {
				await expect(
					accounts.signIn(db, { email: 'typo@example.com', password: typo, address: '10.5.0.1' })
				).rejects.toBeInstanceOf(accounts.AccountError);
			}
			await accounts.signIn(db, { email: 'typo@example.com', password, address: '10.5.0.1' });
			expect(await throttle('account+address:typo@example.com 10.5.0.1')).toBeUndefined();
			expect((await throttle('account:typo@example.com'))?.attempts).toBe(2);
			expect((await throttle('address:10.5.0.1'))?.attempts).toBe(2);
		});
	});

	describe('invite links', () => {
		let orgId: string;
		let owner: string;
		beforeAll(async () => {
			orgId = await organisation(db, 'Invites');
			owner = await member(db, orgId, 'owner');
		});
		const users = async () => (await db.query<{ n: number }>(`select count(*)::int as n from users`))[0]!.n;

		it('a made-up link creates nothing, hashes nothing and answers the same for any e-mail', async () => {
			const before = await users();
			spent.hashed = 0;
			const answers = [];
			for (const email of ['sam@example.com', 'new-person@example.com']) {
				answers.push(
					await accounts
						.createUserFromInvite(db, 'made-up-token', { email, displayName: 'X', password })
						.catch((error: unknown) => error)
				);
			}
			expect(answers[0]).toBeInstanceOf(accounts.LinkUsedError);
			expect(answers[1]).toEqual(answers[0]);
			expect((answers[1] as Error).message).toBe((answers[0] as Error).message);
			expect(spent.hashed).toBe(0);
			expect(await users()).toBe(before);
		});

		it('a valid link creates the account and its membership together, once', async () => {
			const token = await organisations.createInvite(asMember(db, owner), owner, orgId, 'facilitator');
			await expect(
				accounts.createUserFromInvite(db, token, { email: 'sam@example.com', displayName: 'X', password })
			).rejects.toMatchObject({ field: 'email' });
			const userId = await accounts.createUserFromInvite(db, token, {
				email: 'invited@example.com',
				displayName: 'Ivy',
				password
			});
			expect((await accounts.member(db, userId))?.memberships).toMatchObject([
				{ orgId, role: 'facilitator' }
			]);
			const before = await users();
			await expect(
				accounts.createUserFromInvite(db, token, { email: 'late@example.com', displayName: 'L', password })
			).rejects.toBeInstanceOf(accounts.LinkUsedError);
			expect(await users()).toBe(before);
		});
	});

	describe('passwords and sessions', () => {
		let orgId: string;
		let owner: string;
		beforeAll(async () => {
			orgId = await organisation(db, 'Resets');
			({ userId: owner } = await signedUp('reset-owner@example.com', orgId, 'owner'));
		});

		async function signedUp(email: string, org: string, role: accounts.Role) {
			const userId = await accounts.createUser(db, { email, displayName: email, password });
			await db.query(`insert into memberships (org_id, user_id, role) values ($1, $2, $3)`, [
				org,
				userId,
				role
			]);
			return { userId };
		}
		const signIn = (email: string, pass = password) =>
			accounts.signIn(db, { email, password: pass, address: '10.7.0.1' });

		it('changes a password with the current one, ending the other sessions', async () => {
			const { userId } = await signedUp('changer@example.com', orgId, 'facilitator');
			const here = await signIn('changer@example.com');
			const elsewhere = await signIn('changer@example.com');
			const change = (current: string) =>
				accounts.changePassword(db, {
					userId,
					current,
					next: 'a brand new password',
					address: '10.7.0.1',
					keepSession: here.token
				});
			await expect(change('not my password')).rejects.toMatchObject({ field: 'current_password' });
			await change(password);
			expect(await accounts.userForSession(db, here.token)).toBe(userId);
			expect(await accounts.userForSession(db, elsewhere.token)).toBeNull();
			await expect(signIn('changer@example.com')).rejects.toBeInstanceOf(accounts.AccountError);
			await expect(signIn('changer@example.com', 'a brand new password')).resolves.toBeTruthy();
		});

		it('signs out everywhere', async () => {
			const { userId } = await signedUp('leaver@example.com', orgId, 'leader');
			const one = await signIn('leaver@example.com');
			const two = await signIn('leaver@example.com');
			await accounts.signOutEverywhere(db, userId);
			expect(await accounts.userForSession(db, one.token)).toBeNull();
			expect(await accounts.userForSession(db, two.token)).toBeNull();
		});

		it('an owner’s reset link sets a new password once and ends every session', async () => {
			const { userId } = await signedUp('forgetful@example.com', orgId, 'leader');
			const old = await signIn('forgetful@example.com');
			const token = await accounts.issuePasswordReset(asMember(db, owner), orgId, userId);
			expect(await db.query(`select 1 from password_resets where token_hash = $1`, [token])).toEqual([]);
			expect(await accounts.previewPasswordReset(db, token)).toEqual({
				displayName: 'forgetful@example.com',
				email: 'forgetful@example.com'
			});
			expect(await accounts.resetPassword(db, token, 'remembered at last')).toBe(userId);
			expect(await accounts.userForSession(db, old.token)).toBeNull();
			await expect(signIn('forgetful@example.com', 'remembered at last')).resolves.toBeTruthy();
			spent.hashed = 0;
			await expect(accounts.resetPassword(db, token, 'a second time round')).rejects.toBeInstanceOf(
				accounts.LinkUsedError
			);
			expect(spent.hashed).toBe(0);
		});

		it('a reset link expires, and a newer one replaces it', async () => {
			const { userId } = await signedUp('slow@example.com', orgId, 'leader');
			const first = await accounts.issuePasswordReset(asMember(db, owner), orgId, userId);
			const second = await accounts.issuePasswordReset(asMember(db, owner), orgId, userId);
			expect(await accounts.previewPasswordReset(db, first)).toBeNull();
			await db.query(
				`update password_resets set expires_at = now() - interval '1 second' where user_id = $1`,
				[userId]
			);
			expect(await accounts.previewPasswordReset(db, second)).toBeNull();
			await expect(accounts.resetPassword(db, second, 'too late for this')).rejects.toBeInstanceOf(
				accounts.LinkUsedError
			);
			await expect(signIn('slow@example.com')).resolves.toBeTruthy();
		});

		it('only an owner of every organisation the member belongs to issues a reset link', async () => {
			const { userId: facilitator } = await signedUp('fac@example.com', orgId, 'facilitator');
			const { userId: target } = await signedUp('target-of-reset@example.com', orgId, 'leader');
			await expect(
				accounts.issuePasswordReset(asMember(db, facilitator), orgId, target)
			).rejects.toMatchObject({ code: '42501' });
			const otherOrg = await organisation(db, 'Elsewhere');
			const otherOwner = await member(db, otherOrg, 'owner');
			// Not a member of the caller's organisation…
			await expect(
				accounts.issuePasswordReset(asMember(db, otherOwner), otherOrg, target)
			).rejects.toMatchObject({
				code: '42501'
			});
			// …and not someone who also belongs to an organisation the caller does not own.
			await db.query(`insert into memberships (org_id, user_id, role) values ($1, $2, 'leader')`, [
				otherOrg,
				target
			]);
			await expect(accounts.issuePasswordReset(asMember(db, owner), orgId, target)).rejects.toMatchObject({
				code: '42501'
			});
			expect(await db.query(`select 1 from password_resets where user_id = $1`, [target])).toEqual([]);
		});

		it('ends a session idle longer than the idle timeout', async () => {
			const { token, userId } = await signIn('reset-owner@example.com');
			await db.query(
				`update sessions set last_seen_at = now() - make_interval(hours => $2) - interval '1 second'
				 where token_hash = $1`,
				[hashToken(token), accounts.IDLE_HOURS]
			);
			expect(await accounts.userForSession(db, token)).toBeNull();
			const fresh = await signIn('reset-owner@example.com');
			expect(await accounts.userForSession(db, fresh.token)).toBe(userId);
		});

		it('refreshes last_seen_at only when it is a few minutes old', async () => {
			const { token } = await signIn('reset-owner@example.com');
			const lastSeen = async () =>
				(
					await db.query<{ seen: Date; recent: boolean }>(
						`select last_seen_at as seen, last_seen_at > now() - interval '1 minute' as recent
						 from sessions where token_hash = $1`,
						[hashToken(token)]
					)
				)[0]!;
			await db.query(
				`update sessions set last_seen_at = now() - interval '2 minutes' where token_hash = $1`,
				[hashToken(token)]
			);
			const before = await lastSeen();
			await accounts.userForSession(db, token);
			expect(await lastSeen()).toEqual(before);
			await db.query(
				`update sessions set last_seen_at = now() - interval '6 minutes' where token_hash = $1`,
				[hashToken(token)]
			);
			await accounts.userForSession(db, token);
			expect((await lastSeen()).recent).toBe(true);
		});
	});
});
