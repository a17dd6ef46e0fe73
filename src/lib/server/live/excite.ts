// Excite: the rallying cries and their vote. Everyone sees it; the rallying cries policy keeps
// hidden ones for the facilitator.
import { AUDIENCES, type Audience, type CryView, type ExciteState } from '$lib/live';
import type { Database, Handle } from '../db';
import { countedVote, voteView } from './countedVote';
import type { LiveFeature, LiveRead, Reaction } from './feature';
import { readAs } from './view';

/** The rallying cries and their latest vote, as `db` may read them. */
async function readExcite(db: Handle, workshopId: string): Promise<ExciteState> {
	const vote = voteView(await countedVote(db, workshopId, 'rallying_cry'));
	const cries = await db.query<CryView>(
		`select id, text, proposals, hidden from rallying_cries where workshop_id = $1 order by created_at, id`,
		[workshopId]
	);
	return { cries, vote };
}

/** Excite as `audience` sees it. */
export const exciteState = (db: Database, workshopId: string, audience: Audience): Promise<ExciteState> =>
	readAs(db, workshopId, audience, readExcite);

const excite = async ({ db, workshopId }: LiveRead) => ({ excite: await readExcite(db, workshopId) });
const exciteAgain: Reaction = { audiences: AUDIENCES, read: excite };

export const exciteFeature = {
	audiences: AUDIENCES,
	snapshot: excite,
	on: {
		cry: exciteAgain,
		vote: exciteAgain
		// ballots: see ballots.ts
	}
} satisfies LiveFeature;
