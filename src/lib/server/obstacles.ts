// Grow: participants name the obstacles that block excellent service (a bad story can become one
// in a tap) and propose fixes; the facilitator moderates and turns the top ones into actions.
import type { Handle } from './db';
import type { Row } from './db/rows';
import { closedReason, PostingClosedError, refusedWhenClosed } from './posting';
import type { Participant } from './participants';

export const OBSTACLE_MAX = 280;
export const ACTION_MAX = 200;

/**
 * Names an obstacle, until dot voting on them opens; with a story, the story's title becomes the
 * obstacle (one tap).
 */
export async function post(
	db: Handle,
	me: Participant,
	input: { text: string } | { fromStoryId: string }
): Promise<string> {
	return refusedWhenClosed(
		db,
		me.workshopId,
		'grow',
		async () => {
			const [row] =
				'text' in input
					? await db.query<Pick<Row<'obstacles'>, 'id'>>(
							`insert into obstacles (workshop_id, participant_id, text) values ($1, $2, $3) returning id`,
							[me.workshopId, me.id, input.text]
						)
					: await db.query<Pick<Row<'obstacles'>, 'id'>>(
							`insert into obstacles (workshop_id, participant_id, text, from_story_id)
						 select $1, $2, left(s.title, ${OBSTACLE_MAX}), s.id from stories s
						 where s.id = $3 and s.workshop_id = $1 and s.kind = 'bad'
						 returning id`,
							[me.workshopId, me.id, input.fromStoryId]
						);
			if (!row) throw new PostingClosedError('That story cannot become an obstacle.');
			return row.id;
		},
		'obstacles'
	);
}

/** Withdraws the participant's own obstacle while Grow is open. */
export async function withdraw(db: Handle, me: Participant, obstacleId: string): Promise<void> {
	const rows = await db.query(`delete from obstacles where id = $1 returning id`, [obstacleId]);
	if (rows.length === 0) throw new PostingClosedError(await closedReason(db, me.workshopId, 'grow'));
}

export async function proposeFix(
	db: Handle,
	me: Participant,
	obstacleId: string,
	text: string
): Promise<void> {
	await refusedWhenClosed(db, me.workshopId, 'grow', () =>
		db.query(`insert into fixes (obstacle_id, workshop_id, participant_id, text) values ($1, $2, $3, $4)`, [
			obstacleId,
			me.workshopId,
			me.id,
			text
		])
	);
}

export async function setHidden(
	db: Handle,
	workshopId: string,
	obstacleId: string,
	hidden: boolean
): Promise<boolean> {
	const rows = await db.query(
		`update obstacles set hidden = $3 where id = $2 and workshop_id = $1 returning id`,
		[workshopId, obstacleId, hidden]
	);
	return rows.length === 1;
}

export class MergeRefusedError extends Error {}

/**
 * Merges a duplicate obstacle into another (the facilitator): its fixes, actions and dots on votes
 * not yet revealed move over, and it goes. False when the caller may not, or either is unknown.
 */
export async function merge(db: Handle, fromId: string, intoId: string): Promise<boolean> {
	try {
		const [row] = await db.query<{ merged: boolean }>(`select app.merge_obstacles($1, $2) as merged`, [
			fromId,
			intoId
		]);
		return row?.merged ?? false;
	} catch (error) {
		// The function's own refusals are in words for the panel.
		if ((error as { code?: string }).code === '23514')
			throw new MergeRefusedError((error as Error).message + '.');
		throw error;
	}
}

export interface ActionInput {
	obstacleId: string | null;
	title: string;
	ownerName: string;
	dueOn: string | null;
}

/** The facilitator writes down an action: what, who owns it, by when. */
export async function addAction(db: Handle, workshopId: string, input: ActionInput): Promise<boolean> {
	const rows = await db.query(
		`insert into action_items (workshop_id, obstacle_id, title, owner_name, due_on, created_by)
		 select $1, o.id, $3, $4, $5::date, (select auth.uid())
		 from (select $2::uuid as wanted) w
		 left join obstacles o on o.id = w.wanted and o.workshop_id = $1
		 where (w.wanted is null or o.id is not null) and app.drives($1)
		 returning id`,
		[workshopId, input.obstacleId, input.title, input.ownerName, input.dueOn]
	);
	return rows.length === 1;
}

export async function removeAction(db: Handle, workshopId: string, actionId: string): Promise<boolean> {
	const rows = await db.query(`delete from action_items where id = $2 and workshop_id = $1 returning id`, [
		workshopId,
		actionId
	]);
	return rows.length === 1;
}
