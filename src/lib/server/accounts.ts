// The sign-in service: passwords, sessions and first-run setup. Like Supabase's own auth server it
// works on the owner connection, because it runs before anyone's identity is known; the secrets it
// reads (credentials, sessions) have row-level security on and no policies, so no request sees them.
import type { Database, Handle } from './db';
import type { Row } from './db/rows';
import { hashPassword, UNKNOWN_USER_HASH, verifyPassword } from './passwords';
import { hashToken, newToken } from './tokens';

export type Role = 'owner' | 'facilitator' | 'leader';
export const ROLES: readonly Role[] = ['owner', 'facilitator', 'leader'];

export interface Member {
	id: string;
	email: string;
	displayName: string;
	memberships: { orgId: string; orgName: string; role: Role; locale: string }[];
}

export const SESSION_DAYS = 30;
/** A session also ends after this long without a request. */
export const IDLE_HOURS = 12;
/** How stale `last_seen_at` may get before a request refreshes it (one write per session per spell). */
const TOUCH_AFTER = '5 minutes';
/** How long a password link lasts: the default of password_resets.expires_at in the migration. */
export const RESET_HOURS = 24;

/**
 * How fast each kind of key may guess. An attempt is let through only when every one of its keys
 * allows it, and is counted on all of them before its password is checked. The first `free`
 * attempts of a key go straight through; the next waits `firstDelay` seconds, and each after that
 * twice as long as the one before, up to `maxDelay`. A key goes quiet (back to zero) after an hour
 * without attempts. The first wait is long enough that a burst of parallel guesses, however slow
 * the server, is over before it ends: the burst gets the free attempts and no more.
 *
 * - `accountAddress`: this e-mail from this address. Strict, but only the guesser's own address
 *   fills it, so guesses from elsewhere never lock the owner out of their account from theirs.
 * - `address`: any e-mail from this address, against spraying many accounts from one place.
 * - `account`: this e-mail from anywhere, against guesses spread over many addresses. Mild (at most
 *   half a minute), because the owner shares it: it slows a botnet, never shuts the owner out.
 */
export const LIMITS = {
	accountAddress: { free: 5, firstDelay: 30, maxDelay: 15 * 60 },
	address: { free: 30, firstDelay: 2, maxDelay: 60 },
	account: { free: 20, firstDelay: 2, maxDelay: 30 }
} as const;
const QUIET_AFTER = '1 hour';

export class AccountError extends Error {
	constructor(
		message: string,
		readonly field?: string
	) {
		super(message);
	}
}
export class TooManyAttemptsError extends Error {
	constructor(readonly retryAfter: number) {
		super(`Too many sign-in attempts. Try again in ${retryAfter} second${retryAfter === 1 ? '' : 's'}.`);
	}
}
/** An invite or reset link that is unknown, used or expired. */
export class LinkUsedError extends Error {
	constructor() {
		super('This link is not valid any more. Ask for a new one.');
	}
}

const WRONG_CREDENTIALS = 'That e-mail and password do not match an account.';

/** Creates a user with a password. Fails with a field error if the e-mail is taken. */
export async function createUser(
	db: Handle,
	input: { email: string; displayName: string; password: string }
): Promise<string> {
	const hash = await hashPassword(input.password);
	return db.transaction((tx) => insertUser(tx, input, hash));
}

async function insertUser(
	tx: Handle,
	input: { email: string; displayName: string },
	passwordHash: string
): Promise<string> {
	const [user] = await tx.query<Pick<Row<'users'>, 'id'>>(
		`insert into users (email, display_name) values ($1, $2) on conflict (email) do nothing returning id`,
		[input.email, input.displayName]
	);
	if (!user) throw new AccountError('An account with this e-mail already exists. Sign in instead.', 'email');
	await tx.query(`insert into credentials (user_id, password_hash) values ($1, $2)`, [user.id, passwordHash]);
	return user.id;
}

const inviteIsOpen = `select 1 from invites where token_hash = $1 and accepted_at is null and expires_at > now()`;

/**
 * Creates an account through an invite link and joins its organisation, in one transaction. The
 * link is checked first, so a made-up token costs neither a password hash nor a row, and answers the
 * same whatever the e-mail. (With a valid link, a taken e-mail has to be said: the invitee then signs
 * in first. The link is the permission to ask, and each ask costs a full password hash.)
 */
export async function createUserFromInvite(
	db: Database,
	token: string,
	input: { email: string; displayName: string; password: string }
): Promise<string> {
	const tokenHash = hashToken(token);
	if ((await db.query(inviteIsOpen, [tokenHash])).length === 0) throw new LinkUsedError();
	const hash = await hashPassword(input.password);
	return db.transaction(async (tx) => {
		const userId = await insertUser(tx, input, hash);
		// app.accept_invite checks the link again under a row lock, as the new user.
		await tx.query(`select set_config('request.jwt.claims', $1, true)`, [
			JSON.stringify({ sub: userId, role: 'authenticated' })
		]);
		try {
			await tx.query(`select app.accept_invite($1)`, [tokenHash]);
		} catch (error) {
			if ((error as { code?: string }).code === 'P0002') throw new LinkUsedError();
			throw error;
		}
		return userId;
	});
}

/** First-run setup is open until a real (non-demo) organisation exists. */
export async function setupNeeded(db: Handle): Promise<boolean> {
	const [row] = await db.query<{ needed: boolean }>(
		`select not exists (select 1 from organisations where not is_demo) as needed`
	);
	return row?.needed ?? true;
}

/** Creates the first organisation with its owner, a new account. Refused once setup has been done. */
export async function setup(
	db: Database,
	input: { orgName: string; email: string; displayName: string; password: string }
): Promise<{ userId: string; orgId: string }> {
	return firstOrganisation(db, input.orgName, async (tx) => createUser(tx, input));
}

/**
 * Creates the first organisation with a signed-in user as its owner (with Supabase Auth, where the
 * account is Supabase's), under the name they give. Refused once setup has been done.
 */
export async function setupForUser(
	db: Database,
	input: { orgName: string; userId: string; displayName: string }
): Promise<{ userId: string; orgId: string }> {
	return firstOrganisation(db, input.orgName, async (tx) => {
		await tx.query(`update users set display_name = $2 where id = $1`, [input.userId, input.displayName]);
		return input.userId;
	});
}

async function firstOrganisation(
	db: Database,
	orgName: string,
	owner: (tx: Handle) => Promise<string>
): Promise<{ userId: string; orgId: string }> {
	return db.transaction(async (tx) => {
		await tx.query(`select pg_advisory_xact_lock(hashtext('cx-workshop:setup'))`);
		if (!(await setupNeeded(tx))) throw new AccountError('This installation has already been set up.');
		const userId = await owner(tx);
		const [org] = await tx.query<Pick<Row<'organisations'>, 'id'>>(
			`insert into organisations (name) values ($1) returning id`,
			[orgName]
		);
		await tx.query(`insert into memberships (org_id, user_id, role) values ($1, $2, 'owner')`, [
			org!.id,
			userId
		]);
		return { userId, orgId: org!.id };
	});
}

type Keys = Record<keyof typeof LIMITS, string>;
const keysOf = (email: string, address: string): Keys => ({
	accountAddress: `account+address:${email} ${address}`,
	address: `address:${address}`,
	account: `account:${email}`
});

/**
 * Counts one attempt on each of its keys, or refuses it with how long to wait. The keys' rows are
 * locked (in key order, so two attempts never deadlock) before they are read, so parallel attempts
 * queue here: N guesses at once still let through only as many as the limits allow.
 */
async function claimAttempt(db: Handle, keys: Keys): Promise<void> {
	const wait = await db.transaction(async (tx) => {
		const all = Object.values(keys).sort();
		await tx.query(
			`insert into sign_in_throttles (key) select unnest($1::text[]) order by 1 on conflict (key) do nothing`,
			[all]
		);
		const rows = await tx.query<{ key: string; attempts: number; wait: number }>(
			`select key,
			        case when updated_at < now() - $2::interval then 0 else attempts end as attempts,
			        greatest(0, ceil(extract(epoch from next_at - now())))::int as wait
			 from sign_in_throttles where key = any ($1) order by key for update`,
			[all, QUIET_AFTER]
		);
		const limits = new Map(Object.entries(keys).map(([kind, key]) => [key, LIMITS[kind as keyof Keys]]));
		const refused = rows.map((row) => (row.attempts >= limits.get(row.key)!.free ? row.wait : 0));
		const longest = Math.max(0, ...refused);
		if (longest > 0) return longest;
		for (const row of rows) {
			const { free, firstDelay, maxDelay } = limits.get(row.key)!;
			const attempts = row.attempts + 1;
			const delay = attempts < free ? 0 : Math.min(maxDelay, firstDelay * 2 ** (attempts - free));
			await tx.query(
				`update sign_in_throttles set attempts = $2, next_at = now() + make_interval(secs => $3), updated_at = now()
				 where key = $1`,
				[row.key, attempts, delay]
			);
		}
		return 0;
	});
	if (wait > 0) throw new TooManyAttemptsError(wait);
}

/**
 * A success proves the owner: their own key starts afresh, and the shared keys get this attempt
 * back (only this one, so an attacker's own account cannot wash away their guesses elsewhere).
 * Keys quiet for a day are swept here, outside any attempt's row locks.
 */
async function attemptSucceeded(db: Handle, keys: Keys): Promise<void> {
	await db.query(
		`with quiet as (delete from sign_in_throttles where updated_at < now() - interval '1 day'),
		      mine as (delete from sign_in_throttles where key = $1)
		 update sign_in_throttles set attempts = greatest(attempts - 1, 0) where key = any ($2)`,
		[keys.accountAddress, [keys.address, keys.account]]
	);
}

/** Checks a password, counted against the sign-in limits before it is checked. */
async function checkPassword(
	db: Handle,
	input: { email: string; password: string; address: string }
): Promise<string | null> {
	const keys = keysOf(input.email, input.address);
	await claimAttempt(db, keys);
	const [user] = await db.query<Pick<Row<'users'>, 'id'> & Pick<Row<'credentials'>, 'password_hash'>>(
		`select u.id, c.password_hash from users u join credentials c on c.user_id = u.id where u.email = $1`,
		[input.email]
	);
	const ok = await verifyPassword(input.password, user?.password_hash ?? UNKNOWN_USER_HASH);
	if (!user || !ok) return null;
	await attemptSucceeded(db, keys);
	return user.id;
}

/**
 * Checks an e-mail and password and opens a session. Every attempt is counted before the password
 * is checked, per account and address, per address and per account (see LIMITS), in the database,
 * so the limits hold across parallel requests and every app instance.
 */
export async function signIn(
	db: Database,
	input: { email: string; password: string; address: string }
): Promise<{ token: string; userId: string }> {
	const userId = await checkPassword(db, input);
	if (!userId) throw new AccountError(WRONG_CREDENTIALS);
	return { token: await openSession(db, userId), userId };
}

/**
 * Changes a signed-in member's password when they know the current one (counted like a sign-in,
 * so a borrowed session cannot guess it), and ends their other sessions.
 */
export async function changePassword(
	db: Database,
	input: { userId: string; current: string; next: string; address: string; keepSession: string }
): Promise<void> {
	const [user] = await db.query<Pick<Row<'users'>, 'email'>>(`select email from users where id = $1`, [
		input.userId
	]);
	if (!user) throw new AccountError('Unknown account.');
	const ok = await checkPassword(db, { email: user.email, password: input.current, address: input.address });
	if (ok !== input.userId) throw new AccountError('That is not your current password.', 'current_password');
	const hash = await hashPassword(input.next);
	await db.transaction(async (tx) => {
		await tx.query(`update credentials set password_hash = $2, updated_at = now() where user_id = $1`, [
			input.userId,
			hash
		]);
		await tx.query(`delete from sessions where user_id = $1 and token_hash <> $2`, [
			input.userId,
			hashToken(input.keepSession)
		]);
	});
}

/**
 * Issues a one-time link token to set a new password, for a member of an organisation the caller
 * owns. Runs as the caller: app.issue_password_reset checks that they may.
 */
export async function issuePasswordReset(db: Handle, orgId: string, userId: string): Promise<string> {
	const token = newToken();
	await db.query(`select app.issue_password_reset($1, $2, $3)`, [orgId, userId, hashToken(token)]);
	return token;
}

/** Whose password a reset link sets, or null when it is unknown, used or expired. */
export async function previewPasswordReset(
	db: Database,
	token: string
): Promise<{ displayName: string; email: string } | null> {
	const [row] = await db.query<{ displayName: string; email: string }>(
		`select u.display_name as "displayName", u.email from password_resets r join users u on u.id = r.user_id
		 where r.token_hash = $1 and r.expires_at > now()`,
		[hashToken(token)]
	);
	return row ?? null;
}

/**
 * Sets a new password through a reset link, once: the link is checked before the password is
 * hashed, spent in the same transaction that sets it, and every session of the user ends.
 */
export async function resetPassword(db: Database, token: string, password: string): Promise<string> {
	if (!(await previewPasswordReset(db, token))) throw new LinkUsedError();
	const hash = await hashPassword(password);
	return db.transaction(async (tx) => {
		const [spent] = await tx.query<Pick<Row<'password_resets'>, 'user_id'>>(
			`delete from password_resets where token_hash = $1 and expires_at > now() returning user_id`,
			[hashToken(token)]
		);
		if (!spent) throw new LinkUsedError();
		await tx.query(`update credentials set password_hash = $2, updated_at = now() where user_id = $1`, [
			spent.user_id,
			hash
		]);
		await tx.query(`delete from sessions where user_id = $1`, [spent.user_id]);
		return spent.user_id;
	});
}

export async function openSession(db: Handle, userId: string): Promise<string> {
	const token = newToken();
	await db.query(
		`insert into sessions (token_hash, user_id, expires_at) values ($1, $2, now() + make_interval(days => $3))`,
		[hashToken(token), userId, SESSION_DAYS]
	);
	return token;
}

export async function signOut(db: Handle, token: string): Promise<void> {
	await db.query(`delete from sessions where token_hash = $1`, [hashToken(token)]);
}

/** Ends every session of a user, on every device. */
export async function signOutEverywhere(db: Handle, userId: string): Promise<void> {
	await db.query(`delete from sessions where user_id = $1`, [userId]);
}

/**
 * The user a session cookie belongs to, or null when it is unknown, expired or has been idle too
 * long. Refreshes `last_seen_at` only when it is a few minutes old, so most requests only read.
 */
export async function userForSession(db: Handle, token: string): Promise<string | null> {
	const [row] = await db.query<Pick<Row<'sessions'>, 'user_id'>>(
		`with live as (
		   select token_hash, user_id, last_seen_at from sessions
		   where token_hash = $1 and expires_at > now() and last_seen_at > now() - make_interval(hours => $2)
		 ), touched as (
		   update sessions s set last_seen_at = now() from live
		   where s.token_hash = live.token_hash and live.last_seen_at < now() - $3::interval
		 )
		 select user_id from live`,
		[hashToken(token), IDLE_HOURS, TOUCH_AFTER]
	);
	return row?.user_id ?? null;
}

/** A signed-in user with their organisations and roles. */
export async function member(db: Handle, userId: string): Promise<Member | null> {
	const rows = await db.query<{
		id: string;
		email: string;
		display_name: string;
		org_id: string | null;
		org_name: string | null;
		role: Role | null;
		locale: string | null;
	}>(
		`select u.id, u.email, u.display_name, o.id as org_id, o.name as org_name, m.role, o.locale
		 from users u
		 left join memberships m on m.user_id = u.id
		 left join organisations o on o.id = m.org_id
		 where u.id = $1
		 order by o.is_demo, o.created_at`,
		[userId]
	);
	const [first] = rows;
	if (!first) return null;
	return {
		id: first.id,
		email: first.email,
		displayName: first.display_name,
		memberships: rows
			.filter((row) => row.org_id && row.org_name && row.role)
			.map((row) => ({ orgId: row.org_id!, orgName: row.org_name!, role: row.role!, locale: row.locale! }))
	};
}
