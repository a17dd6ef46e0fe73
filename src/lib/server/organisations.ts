// Members, roles and invites. Every function here runs as the request's identity: row-level
// security decides who may read or change what, and a refusal surfaces as zero rows or an error.
import type { Role } from './accounts';
import type { Database, Handle } from './db';
import { hashToken, newToken } from './tokens';

export interface OrgMember {
	userId: string;
	email: string;
	displayName: string;
	role: Role;
	joinedAt: Date;
}

export class NotAllowedError extends Error {}

export async function members(db: Handle, orgId: string): Promise<OrgMember[]> {
	return db.query<OrgMember>(
		`select m.user_id as "userId", u.email, u.display_name as "displayName", m.role, m.created_at as "joinedAt"
		 from memberships m join users u on u.id = m.user_id
		 where m.org_id = $1 order by m.role, u.display_name`,
		[orgId]
	);
}

/**
 * How long the organisation keeps room-only data after a workshop (days; null: always), and when a
 * workshop's charter starts asking how its actions are doing (days after it ended).
 */
export async function periods(
	db: Handle,
	orgId: string
): Promise<{ retentionDays: number | null; followUpDays: number }> {
	const [row] = await db.query<{ retentionDays: number | null; followUpDays: number }>(
		`select retention_days as "retentionDays", follow_up_days as "followUpDays" from organisations where id = $1`,
		[orgId]
	);
	return row ?? { retentionDays: null, followUpDays: 30 };
}

/** Days after a workshop ends before its charter shows how its actions are doing. Owners only. */
export async function setFollowUpDays(db: Handle, orgId: string, days: number): Promise<void> {
	const rows = await db.query(`update organisations set follow_up_days = $2 where id = $1 returning id`, [
		orgId,
		days
	]);
	if (rows.length === 0) throw new NotAllowedError('Only an owner may change when actions are followed up.');
}

/**
 * How many days after a workshop ends its room-only stories and participants' names are kept (null:
 * always). Owners only (row policy); 1 to 3,650 days (check constraint).
 */
export async function setRetention(db: Handle, orgId: string, days: number | null): Promise<void> {
	const rows = await db.query(`update organisations set retention_days = $2 where id = $1 returning id`, [
		orgId,
		days
	]);
	if (rows.length === 0)
		throw new NotAllowedError('Only an owner may change how long the organisation keeps data.');
}

/** Sets the language and region the organisation reads dates in. Owners only (row policy). */
export async function setLocale(db: Handle, orgId: string, locale: string): Promise<void> {
	const rows = await db.query(`update organisations set locale = $2 where id = $1 returning id`, [
		orgId,
		locale
	]);
	if (rows.length === 0) throw new NotAllowedError('Only owners change the organisation’s settings.');
}

/** Creates a single-use invite link token (shown once; only its hash is kept). Owners only. */
export async function createInvite(db: Handle, me: string, orgId: string, role: Role): Promise<string> {
	const token = newToken();
	try {
		await db.query(`insert into invites (org_id, role, token_hash, created_by) values ($1, $2, $3, $4)`, [
			orgId,
			role,
			hashToken(token),
			me
		]);
	} catch (error) {
		if (isRlsRefusal(error)) throw new NotAllowedError('Only owners invite people.');
		throw error;
	}
	return token;
}

export interface PendingInvite {
	id: string;
	role: Role;
	createdAt: Date;
	expiresAt: Date;
}

export async function pendingInvites(db: Handle, orgId: string): Promise<PendingInvite[]> {
	return db.query<PendingInvite>(
		`select id, role, created_at as "createdAt", expires_at as "expiresAt" from invites
		 where org_id = $1 and accepted_at is null and expires_at > now() order by created_at desc`,
		[orgId]
	);
}

export async function revokeInvite(db: Handle, orgId: string, inviteId: string): Promise<boolean> {
	const rows = await db.query(`delete from invites where id = $1 and org_id = $2 returning id`, [
		inviteId,
		orgId
	]);
	return rows.length === 1;
}

/**
 * What an invite link offers, for the page a not-yet-member opens. Read on the owner connection
 * because the invitee cannot see the organisation yet; the token itself is the permission.
 */
export async function previewInvite(
	db: Database,
	token: string
): Promise<{ orgName: string; role: Role } | null> {
	const [row] = await db.query<{ orgName: string; role: Role }>(
		`select o.name as "orgName", i.role from invites i join organisations o on o.id = i.org_id
		 where i.token_hash = $1 and i.accepted_at is null and i.expires_at > now()`,
		[hashToken(token)]
	);
	return row ?? null;
}

/** Joins the signed-in member to the invite's organisation; null if the link is used or expired. */
export async function acceptInvite(db: Handle, token: string): Promise<string | null> {
	try {
		const [row] = await db.query<{ org_id: string }>(`select app.accept_invite($1) as org_id`, [
			hashToken(token)
		]);
		return row?.org_id ?? null;
	} catch (error) {
		if ((error as { code?: string }).code === 'P0002') return null; // no_data_found
		throw error;
	}
}

/** Owners change roles; the database refuses to leave an organisation without an owner. */
export async function changeRole(db: Handle, orgId: string, userId: string, role: Role): Promise<void> {
	await db.transaction(async (tx) => {
		const rows = await tx.query(
			`update memberships set role = $3 where org_id = $1 and user_id = $2 returning user_id`,
			[orgId, userId, role]
		);
		if (rows.length === 0) throw new NotAllowedError('Only owners change roles.');
	});
}

export async function removeMember(db: Handle, orgId: string, userId: string): Promise<void> {
	await db.transaction(async (tx) => {
		const rows = await tx.query(
			`delete from memberships where org_id = $1 and user_id = $2 returning user_id`,
			[orgId, userId]
		);
		if (rows.length === 0) throw new NotAllowedError('Only owners remove members.');
	});
}

/** True for the errors Postgres raises when a row-level-security check refuses a write. */
export function isRlsRefusal(error: unknown): boolean {
	return (error as { code?: string }).code === '42501';
}

/** True when a constraint (check, unique, the "keep an owner" trigger…) refused a write. */
export function isConstraintViolation(error: unknown): boolean {
	return ['23514', '23505', '23503'].includes((error as { code?: string }).code ?? '');
}
