// Grow: the obstacles with their fixes, their dot vote, and the actions agreed. Everyone sees it;
// hidden obstacles only the facilitator.
import { AUDIENCES, type ActionView, type Audience, type GrowState, type ObstacleView } from '$lib/live';
import type { Handle } from '../db';
import { ballotSubject, countedVote, voteView, type CountedVote } from './countedVote';
import { NOTHING, ROOM_AUDIENCES, type LiveFeature, type Reaction } from './feature';
import { visibleTo } from './visibility';

/** The obstacles with their fixes, their dot vote, and the actions. */
export async function growState(
	db: Handle,
	workshopId: string,
	audience: Audience,
	// Given when one count serves several audiences (a delta); else read for this one.
	counted: CountedVote | null | Promise<CountedVote | null> = countedVote(db, workshopId, 'obstacles', [
		audience
	])
): Promise<GrowState> {
	const vote = voteView(await counted, audience); // first: the default starts a read of its own
	const obstacles = await db.query<ObstacleView>(
		`select o.id, o.text, o.from_story_id is not null as "fromStory", o.hidden,
		        coalesce((select array_agg(f.text order by f.created_at) from fixes f where f.obstacle_id = o.id), '{}') as fixes
		 from obstacles o where o.workshop_id = $1 ${visibleTo(audience)} order by o.created_at, o.id`,
		[workshopId]
	);
	const actions = await db.query<ActionView>(
		`select id, obstacle_id as "obstacleId", title, owner_name as "ownerName", to_char(due_on, 'YYYY-MM-DD') as "dueOn"
		 from action_items where workshop_id = $1 order by created_at`,
		[workshopId]
	);
	return { obstacles, vote, actions };
}

/** Grow again for each audience, with the obstacles' vote counted once for all of them. */
const growAgain: Reaction = {
	audiences: AUDIENCES,
	async read({ db, workshopId }, audiences) {
		const counted = await countedVote(db, workshopId, 'obstacles', audiences);
		return async (audience) => ({ grow: await growState(db, workshopId, audience, counted) });
	}
};

export const growFeature = {
	audiences: AUDIENCES,
	snapshot: async ({ db, workshopId }, audience) => ({ grow: await growState(db, workshopId, audience) }),
	on: {
		obstacle: growAgain,
		action: growAgain,
		vote: growAgain,
		// Phones need no count of ballots as they arrive; the screen and the facilitator do, and
		// only for the vote's own subject.
		ballot: {
			audiences: ROOM_AUDIENCES,
			async read(read, audiences) {
				return (await ballotSubject(read)) === 'obstacles' ? growAgain.read(read, audiences) : NOTHING;
			}
		}
	}
} satisfies LiveFeature;
