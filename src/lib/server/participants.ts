// Team members in a workshop: no account, just an unguessable secret in a cookie.
import { asIdentity, type Database, type Handle } from './db';
import type { Row } from './db/rows';
import { hashToken, newToken } from './tokens';

export interface Participant {
	id: string;
	workshopId: string;
	joinCode: string;
	displayName: string | null;
}

export class NoSuchWorkshopError extends Error {
	constructor() {
		super('No open workshop has that code. Check the code on the screen.');
	}
}
/** The facilitator has closed joining (or the room is full): nobody new comes in. */
export class JoiningClosedError extends Error {}
export const JOINING_CLOSED = 'The facilitator has closed joining for this workshop.';
export const WORKSHOP_FULL = 'This workshop is full: no one else can join it.';
/** What a removed phone is told, on its next page and on its live stream. */
export const REMOVED = 'You were removed from this workshop.';

/**
 * Joins the workshop with this code as a new participant. Runs as the caller (anon is enough):
 * `app.join_workshop` checks the code, that the workshop has not ended, is open for joining and is
 * not full.
 */
export async function join(
	db: Handle,
	joinCode: string,
	displayName: string | null
): Promise<{ participantId: string; token: string }> {
	const token = newToken();
	try {
		const [row] = await db.query<{ id: string }>(`select app.join_workshop($1, $2, $3) as id`, [
			joinCode,
			displayName ?? '',
			hashToken(token)
		]);
		return { participantId: row!.id, token };
	} catch (error) {
		const code = (error as { code?: string }).code;
		if (code === 'P0002') throw new NoSuchWorkshopError();
		if (code === 'CXJ01') throw new JoiningClosedError(JOINING_CLOSED);
		if (code === 'CXJ02') throw new JoiningClosedError(WORKSHOP_FULL);
		throw error;
	}
}

/**
 * The participant a cookie secret belongs to (sign-in service: owner connection), or null — also
 * for one the facilitator removed (`wasRemoved` tells them apart, to say why).
 */
export async function forToken(db: Database, token: string): Promise<Participant | null> {
	const [row] = await db.query<Participant>(
		`select p.id, p.workshop_id as "workshopId", w.join_code as "joinCode", p.display_name as "displayName"
		 from participant_secrets s
		 join participants p on p.id = s.participant_id
		 join workshops w on w.id = p.workshop_id
		 where s.token_hash = $1 and p.removed_at is null`,
		[hashToken(token)]
	);
	return row ?? null;
}

/** Whether a cookie secret belongs to a participant removed from the workshop with this code. */
export async function wasRemoved(db: Database, token: string, joinCode: string): Promise<boolean> {
	const rows = await db.query(
		`select 1 from participant_secrets s
		 join participants p on p.id = s.participant_id
		 join workshops w on w.id = p.workshop_id
		 where s.token_hash = $1 and p.removed_at is not null and w.join_code = $2`,
		[hashToken(token), joinCode]
	);
	return rows.length > 0;
}

/**
 * Removes someone from the room, as its facilitator (`app.remove_participant` checks that they drive
 * it): their phone loses access and what they posted leaves the room. False when nothing changed.
 */
export async function remove(db: Handle, participantId: string): Promise<boolean> {
	const [row] = await db.query<{ removed: boolean }>(`select app.remove_participant($1) as removed`, [
		participantId
	]);
	return row?.removed ?? false;
}

/** The stages this participant has said they are ready to move on from. */
export async function readyStages(db: Handle, me: Participant): Promise<string[]> {
	const rows = await db.query<Pick<Row<'stage_ready'>, 'stage'>>(
		`select stage from stage_ready where participant_id = $1`,
		[me.id]
	);
	return rows.map((row) => row.stage);
}

/** Marks (or unmarks) the participant ready in a stage. */
export async function setReady(db: Handle, me: Participant, stage: string, ready: boolean): Promise<void> {
	if (ready) {
		await db.query(
			`insert into stage_ready (participant_id, workshop_id, stage) values ($1, $2, $3) on conflict do nothing`,
			[me.id, me.workshopId, stage]
		);
	} else {
		await db.query(`delete from stage_ready where participant_id = $1 and stage = $2`, [me.id, stage]);
	}
}

/** A handle that runs as this participant, so row-level security applies to everything they do. */
export function asParticipant(db: Database, me: Participant): Handle {
	return asIdentity(db, { role: 'authenticated', sub: me.id, kind: 'participant' });
}
