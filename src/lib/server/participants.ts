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

/**
 * Joins the workshop with this code as a new participant. Runs as the caller (anon is enough):
 * `app.join_workshop` checks the code and that the workshop has not ended.
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
		if ((error as { code?: string }).code === 'P0002') throw new NoSuchWorkshopError();
		throw error;
	}
}

/** The participant a cookie secret belongs to (sign-in service: owner connection), or null. */
export async function forToken(db: Database, token: string): Promise<Participant | null> {
	const [row] = await db.query<Participant>(
		`select p.id, p.workshop_id as "workshopId", w.join_code as "joinCode", p.display_name as "displayName"
		 from participant_secrets s
		 join participants p on p.id = s.participant_id
		 join workshops w on w.id = p.workshop_id
		 where s.token_hash = $1`,
		[hashToken(token)]
	);
	return row ?? null;
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
