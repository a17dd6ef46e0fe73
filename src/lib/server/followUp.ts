// Actions after the workshop: each action from Grow has a status and a log of dated updates. The
// action's owner (a member), the workshop's facilitators and the organisation's owners update it;
// every member of the organisation reads it. The database decides who may (app.update_action).
import type { ActionStatus } from '$lib/actionStatus';
import type { Handle } from './db';
import { NotAllowedError } from './organisations';

export interface ActionFilters {
	team: string | null;
	workshop: string | null;
	/** A member's id: actions they own. */
	owner: string | null;
	status: ActionStatus | null;
}

export interface ActionUpdate {
	status: ActionStatus;
	note: string | null;
	author: string | null;
	at: Date;
}

export interface FollowedAction {
	id: string;
	title: string;
	/** The member who owns it, if one does; `ownerName` is what the room wrote down. */
	ownerId: string | null;
	ownerName: string;
	dueOn: string | null;
	status: ActionStatus;
	overdue: boolean;
	workshop: { id: string; title: string; joinCode: string; teamName: string | null };
	/** Newest first. */
	updates: ActionUpdate[];
	/** The caller may update it. */
	mayUpdate: boolean;
	/** The caller may choose its owner (they drive its workshop). */
	mayAssign: boolean;
}

/** Open or in progress, and past its due date. */
const OVERDUE = `(a.status in ('open', 'in_progress') and coalesce(a.due_on < current_date, false))`;

/** The organisation's actions that match, overdue first, then by due date. */
export async function listActions(
	db: Handle,
	orgId: string,
	filters: ActionFilters,
	only: { ids?: string[] } = {}
): Promise<FollowedAction[]> {
	const rows = await db.query<
		Omit<FollowedAction, 'workshop' | 'updates'> & {
			workshopId: string;
			workshopTitle: string;
			joinCode: string;
			teamName: string | null;
			updates: { status: ActionStatus; note: string | null; author: string | null; at: string }[];
		}
	>(
		`select a.id, a.title, a.owner_id as "ownerId", coalesce(u.display_name, a.owner_name) as "ownerName",
		        to_char(a.due_on, 'YYYY-MM-DD') as "dueOn", a.status, ${OVERDUE} as overdue,
		        w.id as "workshopId", w.title as "workshopTitle", w.join_code as "joinCode", w.team_name as "teamName",
		        app.follows_up(a.id) as "mayUpdate", app.drives(w.id) as "mayAssign",
		        coalesce((select json_agg(json_build_object('status', x.status, 'note', x.note,
		                                  'author', xu.display_name, 'at', x.created_at) order by x.created_at desc)
		                  from action_updates x left join users xu on xu.id = x.author_id
		                  where x.action_id = a.id), '[]') as updates
		 from action_items a
		 join workshops w on w.id = a.workshop_id
		 left join users u on u.id = a.owner_id
		 where w.org_id = $1
		   and ($2::text is null or w.team_name = $2)
		   and ($3::uuid is null or w.id = $3)
		   and ($4::uuid is null or a.owner_id = $4)
		   and ($5::text is null or a.status = $5)
		   and ($6::uuid[] is null or a.id = any ($6))
		 order by ${OVERDUE} desc, a.status in ('done', 'dropped'), a.due_on nulls last, a.created_at`,
		[orgId, filters.team, filters.workshop, filters.owner, filters.status, only.ids ?? null]
	);
	return rows.map(({ workshopId, workshopTitle, joinCode, teamName, updates, ...action }) => ({
		...action,
		workshop: { id: workshopId, title: workshopTitle, joinCode, teamName },
		updates: updates.map((update) => ({ ...update, at: new Date(update.at) }))
	}));
}

/** Records an update: a status (the same one, for a note alone) and an optional note. */
export async function updateAction(
	db: Handle,
	actionId: string,
	update: { status: ActionStatus; note: string | null }
): Promise<void> {
	try {
		await db.query(`select app.update_action($1, $2, $3)`, [actionId, update.status, update.note]);
	} catch (error) {
		if ((error as { code?: string }).code === '42501')
			throw new NotAllowedError('Only the action’s owner and its workshop’s facilitators update it.');
		throw error;
	}
}

/** Makes a member of the organisation the action's owner (or nobody); whoever drives its workshop may. */
export async function assignOwner(db: Handle, actionId: string, ownerId: string | null): Promise<void> {
	const rows = await db.query(
		`update action_items a set owner_id = m.user_id
		 from (select $2::uuid as wanted) w
		 left join memberships m on m.user_id = w.wanted
		   and m.org_id = (select org_id from workshops where id = (select workshop_id from action_items where id = $1))
		 where a.id = $1 and (w.wanted is null or m.user_id is not null)
		 returning a.id`,
		[actionId, ownerId]
	);
	if (rows.length === 0)
		throw new NotAllowedError('Only the workshop’s facilitators choose an action’s owner.');
}

export interface FollowUpSummary {
	total: number;
	done: number;
	overdue: number;
	dropped: number;
	/** Open or in progress, not yet due. */
	onTrack: number;
	/** The day the check became due (the workshop's end plus the organisation's follow-up days). */
	since: string;
}

/**
 * "How are we doing?": how a workshop's actions stand, once the organisation's follow-up period has
 * passed since it ended; null before then, or for a workshop with no actions.
 */
export async function followUpSummary(db: Handle, workshopId: string): Promise<FollowUpSummary | null> {
	const [row] = await db.query<FollowUpSummary>(
		`select count(*)::int as total,
		        count(*) filter (where a.status = 'done')::int as done,
		        count(*) filter (where ${OVERDUE})::int as overdue,
		        count(*) filter (where a.status = 'dropped')::int as dropped,
		        count(*) filter (where a.status in ('open', 'in_progress') and not ${OVERDUE})::int as "onTrack",
		        to_char(min(w.ended_at + make_interval(days => o.follow_up_days)), 'YYYY-MM-DD') as since
		 from workshops w
		 join organisations o on o.id = w.org_id
		 join action_items a on a.workshop_id = w.id
		 where w.id = $1 and w.status = 'ended' and w.ended_at + make_interval(days => o.follow_up_days) <= now()`,
		[workshopId]
	);
	return row && row.total > 0 ? row : null;
}
