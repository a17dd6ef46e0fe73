// The closing slide, for the screen and the facilitator: how much the room made and the cry it
// chose, read from Wrap-up on (and once the workshop has ended), never before. It counts the
// stories the room shared, so not those the facilitator hid, whoever reads it.
import type { ClosingState } from '$lib/live';
import type { Handle } from '../db';
import { ROOM_AUDIENCES, rereadFor, type LiveFeature, type LiveRead, type SnapshotPart } from './feature';

async function closingState(db: Handle, workshopId: string): Promise<ClosingState> {
	const [row] = await db.query<ClosingState>(
		`select (select count(*)::int from stories where workshop_id = $1 and not hidden) as stories,
		        (select coalesce(sum(c.ballots), 0)::int from app.ballot_counts($1) c) as ballots,
		        (select c.text from workshops w join rallying_cries c on c.id = w.rallying_cry_id where w.id = $1)
		          as "rallyingCry"`,
		[workshopId]
	);
	return row ?? { stories: 0, ballots: 0, rallyingCry: null };
}

async function closing({ db, workshopId, workshop: current }: LiveRead): Promise<SnapshotPart> {
	const workshop = await current();
	const shown = workshop.stage === 'wrapup' || workshop.status === 'ended';
	return { room: { closing: shown ? await closingState(db, workshopId) : null } };
}

export const closingFeature = {
	audiences: ROOM_AUDIENCES,
	snapshot: closing,
	// Read again on each workshop change, which is how the room reaches Wrap-up.
	on: { workshop: rereadFor(ROOM_AUDIENCES, closing) }
} satisfies LiveFeature;
