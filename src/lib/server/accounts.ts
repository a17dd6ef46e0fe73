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
const ATTEMPT_WINDOW = '15 minutes';
export const MAX_ATTEMPTS_PER_EMAIL = 10;
export const MAX_ATTEMPTS_PER_ADDRESS = 50;

export class AccountError extends Error {
	constructor(
		message: string,
		readonly field?: string
	) {
		super(message);
	}
}
export class TooManyAttemptsError extends Error {
	constructor() {
		super('Too many sign-in attempts. Wait a few minutes and try again.');
	}
}

/** Creates a user with a password. Fails with a field error if the e-mail is taken. */
export async function createUser(
	db: Handle,
	input: { email: string; displayName: string; password: string }
): Promise<string> {
	const hash = await hashPassword(input.password);
	return db.transaction(async (tx) => {
		const [user] = await tx.query<Pick<Row<'users'>, 'id'>>(
			`insert into users (email, display_name) values ($1, $2) on conflict (email) do nothing returning id`,
			[input.email, input.displayName]
		);
		if (!user)
			throw new AccountError('An account with this e-mail already exists. Sign in instead.', 'email');
		await tx.query(`insert into credentials (user_id, password_hash) values ($1, $2)`, [user.id, hash]);
		return user.id;
	});
}

/** First-run setup is open until a real (non-demo) organisation exists. */
export async function setupNeeded(db: Handle): Promise<boolean> {
	const [row] = await db.query<{ needed: boolean }>(
		`select not exists (select 1 from organisations where not is_demo) as needed`
	);
	return row?.needed ?? true;
}

/** Creates the first organisation with its owner. Refused once setup has been done. */
export async function setup(
	db: Database,
	input: { orgName: string; email: string; displayName: string; password: string }
): Promise<{ userId: string; orgId: string }> {
	return db.transaction(async (tx) => {
		await tx.query(`select pg_advisory_xact_lock(hashtext('cx-workshop:setup'))`);
		if (!(await setupNeeded(tx))) throw new AccountError('This installation has already been set up.');
		const userId = await createUser(tx, input);
		const [org] = await tx.query<Pick<Row<'organisations'>, 'id'>>(
			`insert into organisations (name) values ($1) returning id`,
			[input.orgName]
		);
		await tx.query(`insert into memberships (org_id, user_id, role) values ($1, $2, 'owner')`, [
			org!.id,
			userId
		]);
		return { userId, orgId: org!.id };
	});
}

async function recentAttempts(db: Handle, key: string): Promise<number> {
	const [row] = await db.query<{ n: number }>(
		`select count(*)::int as n from sign_in_attempts where key = $1 and at > now() - $2::interval`,
		[key, ATTEMPT_WINDOW]
	);
	return row?.n ?? 0;
}

/**
 * Checks an e-mail and password and opens a session. Failed attempts are counted per e-mail and per
 * network address in the database, so the limit holds across every app instance.
 */
export async function signIn(
	db: Database,
	input: { email: string; password: string; address: string }
): Promise<{ token: string; userId: string }> {
	const emailKey = `email:${input.email}`;
	const addressKey = `address:${input.address}`;
	if (
		(await recentAttempts(db, emailKey)) >= MAX_ATTEMPTS_PER_EMAIL ||
		(await recentAttempts(db, addressKey)) >= MAX_ATTEMPTS_PER_ADDRESS
	) {
		throw new TooManyAttemptsError();
	}
	const [user] = await db.query<Pick<Row<'users'>, 'id'> & Pick<Row<'credentials'>, 'password_hash'>>(
		`select u.id, c.password_hash from users u join credentials c on c.user_id = u.id where u.email = $1`,
		[input.email]
	);
	const ok = await verifyPassword(input.password, user?.password_hash ?? UNKNOWN_USER_HASH);
	if (!user || !ok) {
		await db.query(
			`with old as (delete from sign_in_attempts where at < now() - interval '1 day')
			 insert into sign_in_attempts (key) values ($1), ($2)`,
			[emailKey, addressKey]
		);
		throw new AccountError('That e-mail and password do not match an account.');
	}
	return { token: await openSession(db, user.id), userId: user.id };
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

/** The user a session cookie belongs to, or null when it is unknown or expired. */
export async function userForSession(db: Handle, token: string): Promise<string | null> {
	const [row] = await db.query<Pick<Row<'sessions'>, 'user_id'>>(
		`select user_id from sessions where token_hash = $1 and expires_at > now()`,
		[hashToken(token)]
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
