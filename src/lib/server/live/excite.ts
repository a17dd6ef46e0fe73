// Excite: the rallying cries and their vote. Everyone sees it; hidden cries only the facilitator.
import { AUDIENCES, type Audience, type CryView, type ExciteState } from '$lib/live';
import type { Handle } from '../db';
import { ballotSubject, countedVote, voteView, type CountedVote } from './countedVote';
import { NOTHING, ROOM_AUDIENCES, type LiveFeature, type Reaction } from './feature';
import { visibleTo } from './visibility';

/** The rallying cries and their latest vote. */
export async function exciteState(
	db: Handle,
	workshopId: string,
	audience: Audience,
	// Given when one count serves several audiences (a delta); else read for this one.
	counted: CountedVote | null | Promise<CountedVote | null> = countedVote(db, workshopId, 'rallying_cry', [
		audience
	])
): Promise<ExciteState> {
	const vote = voteView(await counted, audience); // first: the default starts a read of its own
	const cries = await db.query<CryView>(
		`select id, text, proposals, hidden from rallying_cries where workshop_id = $1 ${visibleTo(audience)}
		 order by created_at, id`,
		[workshopId]
	);
	return { cries, vote };
}

/** Excite again for each audience, with the cries' vote counted once for all of them. */
const exciteAgain: Reaction = {
	audiences: AUDIENCES,
	async read({ db, workshopId }, audiences) {
		const counted = await countedVote(db, workshopId, 'rallying_cry', audiences);
		return async (audience) => ({ excite: await exciteState(db, workshopId, audience, counted) });
	}
};

export const exciteFeature = {
	audiences: AUDIENCES,
	snapshot: async ({ db, workshopId }, audience) => ({ excite: await exciteState(db, workshopId, audience) }),
	on: {
		cry: exciteAgain,
		vote: exciteAgain,
		// Phones need no count of ballots as they arrive; the screen and the facilitator do, and
		// only for the vote's own subject.
		ballot: {
			audiences: ROOM_AUDIENCES,
			async read(read, audiences) {
				return (await ballotSubject(read)) === 'obstacles' ? NOTHING : exciteAgain.read(read, audiences);
			}
		}
	}
} satisfies LiveFeature;
