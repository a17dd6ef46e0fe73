// Team members in a workshop: no account, just an unguessable secret in a cookie.
import type { Database, Handle } from './db';
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
