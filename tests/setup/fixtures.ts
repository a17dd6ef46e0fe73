// Small builders for integration tests. They write as the owner (like the sign-in service and
// system jobs do) and hand back request-scoped handles so the tests exercise row-level security.
import type { Role } from '$lib/server/accounts';
import { asIdentity, type Database, type Handle } from '$lib/server/db';
import { ANONYMOUS } from '$lib/server/db/types';
import * as participants from '$lib/server/participants';
import * as workshops from '$lib/server/workshops';
import { randomUUID } from 'node:crypto';

export function asMember(db: Database, userId: string): Handle {
	return asIdentity(db, { role: 'authenticated', sub: userId, kind: 'member' });
}
export function asParticipant(db: Database, participantId: string): Handle {
	return asIdentity(db, { role: 'authenticated', sub: participantId, kind: 'participant' });
}
export function asAnon(db: Database): Handle {
	return asIdentity(db, ANONYMOUS);
}

export async function organisation(db: Database, name: string): Promise<string> {
	const [row] = await db.query<{ id: string }>(`insert into organisations (name) values ($1) returning id`, [
		name
	]);
	return row!.id;
}

/** A user with a role in `orgId` (no password: these tests never sign in). */
export async function member(
	db: Database,
	orgId: string,
	role: Role,
	name = `${role}-${randomUUID().slice(0, 8)}`
) {
	const [row] = await db.query<{ id: string }>(
		`insert into users (email, display_name) values ($1, $2) returning id`,
		[`${name.toLowerCase()}@example.com`, name]
	);
	await db.query(`insert into memberships (org_id, user_id, role) values ($1, $2, $3)`, [
		orgId,
		row!.id,
		role
	]);
	return row!.id;
}

let codeCounter = 0;
/** A fresh unique join code from the generator's alphabet. */
export function nextTestCode(): string {
	const alphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
	let n = codeCounter++ + Math.floor(Math.random() * 1e6) * 1000;
	let code = '';
	for (let i = 0; i < 6; i++) {
		code += alphabet[n % alphabet.length];
		n = Math.floor(n / alphabet.length);
	}
	return code;
}

export async function workshop(
	db: Database,
	orgId: string,
	facilitatorId: string,
	settings: { status?: 'draft' | 'live' | 'ended'; stage?: string; locked?: boolean } = {}
): Promise<{ id: string; joinCode: string }> {
	const joinCode = nextTestCode();
	const status = settings.status ?? 'live';
	const [row] = await db.query<{ id: string }>(
		`insert into workshops (org_id, title, join_code, created_by, status, stage, posting_locked, ended_at)
		 values ($1, 'Test workshop', $2, $3, $4, $5, $6, case when $4 = 'ended' then now() end) returning id`,
		[orgId, joinCode, facilitatorId, status, settings.stage ?? 'lobby', settings.locked ?? false]
	);
	return { id: row!.id, joinCode };
}

/** Joins through the real path (anon + app.join_workshop); returns the participant id and token. */
export async function participant(db: Database, joinCode: string, name: string | null = null) {
	const { participantId, token } = await participants.join(asAnon(db), joinCode, name);
	return { id: participantId, token };
}

export async function story(
	db: Handle,
	workshopId: string,
	fields: Partial<{ kind: string; title: string; body: string; consent: string }> = {}
): Promise<string> {
	const [row] = await db.query<{ id: string }>(
		`insert into stories (workshop_id, kind, perspective, title, body, consent, idempotency_key)
		 values ($1, $2, 'customer', $3, $4, $5, gen_random_uuid()) returning id`,
		[
			workshopId,
			fields.kind ?? 'good',
			fields.title ?? 'A story',
			fields.body ?? 'What happened',
			fields.consent ?? 'library_anonymous'
		]
	);
	return row!.id;
}

/**
 * A workshop run and ended `daysAgo` days ago: Ana joined and told two stories in Dream, "For the
 * library" (shared with it, anonymously) and "For the room" (for the room only).
 */
export async function endedWorkshop(db: Database, orgId: string, facilitatorId: string, daysAgo = 0) {
	const room = await workshop(db, orgId, facilitatorId, { stage: 'dream' });
	const ana = await participant(db, room.joinCode, 'Ana');
	await story(asParticipant(db, ana.id), room.id, { title: 'For the library', consent: 'library_anonymous' });
	await story(asParticipant(db, ana.id), room.id, { title: 'For the room', consent: 'room' });
	if (!(await workshops.end(asMember(db, facilitatorId), room.id)))
		throw new Error('The workshop did not end');
	await db.query(`update workshops set ended_at = now() - make_interval(days => $2) where id = $1`, [
		room.id,
		daysAgo
	]);
	return { room, ana };
}

/** Postgres's "insufficient privilege": a grant or an RLS check refused the statement. */
export const REFUSED = { code: '42501' };
