// Excite: participants propose rallying cries (short; the same cry proposed twice is one cry) until
// a vote on them opens, and the facilitator can hide one from the room before the vote.
import type { Handle } from './db';
import { refusedWhenClosed } from './posting';
import type { Participant } from './participants';

export const CRY_MAX = 60;

/** Proposes a cry; `merged` when it was already proposed (its count goes up instead). */
export async function propose(
	db: Handle,
	me: Participant,
	text: string
): Promise<{ id: string; merged: boolean }> {
	const [row] = await refusedWhenClosed(
		db,
		me.workshopId,
		'excite',
		() =>
			db.query<{ id: string; merged: boolean }>(`select id, merged from app.propose_rallying_cry($1)`, [
				text
			]),
		'rallying_cry'
	);
	return row!;
}

export async function setHidden(
	db: Handle,
	workshopId: string,
	cryId: string,
	hidden: boolean
): Promise<boolean> {
	const rows = await db.query(
		`update rallying_cries set hidden = $3 where id = $2 and workshop_id = $1 returning id`,
		[workshopId, cryId, hidden]
	);
	return rows.length === 1;
}
