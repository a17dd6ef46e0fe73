// Grow: the obstacles with their fixes, their dot vote, and the actions agreed. Everyone sees it;
// the obstacles policy keeps hidden ones for the facilitator.
import { AUDIENCES, type ActionView, type Audience, type GrowState, type ObstacleView } from '$lib/live';
import type { Database, Handle } from '../db';
import { countedVote, voteView } from './countedVote';
import type { LiveFeature, LiveRead, Reaction } from './feature';
import { readAs } from './view';

/** The obstacles with their fixes, their dot vote, and the actions, as `db` may read them. */
async function readGrow(db: Handle, workshopId: string): Promise<GrowState> {
	const vote = voteView(await countedVote(db, workshopId, 'obstacles'));
	const obstacles = await db.query<ObstacleView>(
		`select o.id, o.text, o.from_story_id is not null as "fromStory", o.hidden,
		        coalesce((select array_agg(f.text order by f.created_at) from fixes f where f.obstacle_id = o.id), '{}') as fixes
		 from obstacles o where o.workshop_id = $1 order by o.created_at, o.id`,
		[workshopId]
	);
	const actions = await db.query<ActionView>(
		`select id, obstacle_id as "obstacleId", title, owner_name as "ownerName", to_char(due_on, 'YYYY-MM-DD') as "dueOn"
		 from action_items where workshop_id = $1 order by created_at`,
		[workshopId]
	);
	return { obstacles, vote, actions };
}

/** Grow as `audience` sees it. */
export const growState = (db: Database, workshopId: string, audience: Audience): Promise<GrowState> =>
	readAs(db, workshopId, audience, readGrow);

const grow = async ({ db, workshopId }: LiveRead) => ({ grow: await readGrow(db, workshopId) });
const growAgain: Reaction = { audiences: AUDIENCES, read: grow };

export const growFeature = {
	audiences: AUDIENCES,
	snapshot: grow,
	on: {
		obstacle: growAgain,
		action: growAgain,
		vote: growAgain
		// ballots: see ballots.ts
	}
} satisfies LiveFeature;
