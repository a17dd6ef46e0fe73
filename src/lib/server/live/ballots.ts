// Ballots as they arrive: the screen and the facilitator get their vote recounted, alone (its
// subject's cries or obstacles have not changed); phones need no count before the reveal.
import { countedVoteById, voteView } from './countedVote';
import { ROOM_AUDIENCES, type LiveFeature } from './feature';

export const ballotsFeature = {
	audiences: ROOM_AUDIENCES,
	snapshot: async () => ({}), // the votes themselves are in Grow's and Excite's parts
	on: {
		ballot: {
			audiences: ROOM_AUDIENCES,
			async read({ db, workshopId, change }) {
				const recounted = change.ref ? voteView(await countedVoteById(db, workshopId, change.ref)) : null;
				return recounted ? { recounted } : {};
			}
		}
	}
} satisfies LiveFeature;
