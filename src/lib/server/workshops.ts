// Workshops: creating them and driving them. Every function runs as the caller; row-level security
// lets only the workshop's facilitators (and its organisation's owners) change it, and each change
// is versioned and announced to live screens and phones by the database itself.
import { generateJoinCode } from '$lib/joinCode';
import type { Stage } from '$lib/stages';
import type { Database, Handle } from './db';
import type { Row } from './db/rows';
import { hashToken, newToken, randomIndex } from './tokens';

export type { Stage } from '$lib/stages';
export { STAGE_IDS as STAGES } from '$lib/stages';

export type WorkshopStatus = 'draft' | 'live' | 'ended';

export interface WorkshopSummary {
	id: string;
	title: string;
	teamName: string | null;
	joinCode: string;
	status: WorkshopStatus;
	stage: Stage;
	createdAt: Date;
	endedAt: Date | null;
	participantCount: number;
	storyCount: number;
	drives: boolean;
}

export interface NewWorkshop {
	title: string;
	teamName: string | null;
	/** Custom prompts by stage; stages left out use the default prompt. */
	prompts?: Partial<Record<Stage, string>>;
}

const MAX_CODE_ATTEMPTS = 8;

/**
 * Creates a workshop with a fresh join code, retrying on the rare collision. Row-level security
 * allows it only for owners and facilitators of the organisation; the creator becomes its facilitator.
 */
export async function create(
	db: Handle,
	me: string,
	orgId: string,
	input: NewWorkshop,
	nextCode: () => string = () => generateJoinCode(randomIndex)
): Promise<{ id: string; joinCode: string }> {
	const settings = Object.fromEntries(
		Object.entries(input.prompts ?? {})
			.filter(([, prompt]) => prompt)
			.map(([stage, prompt]) => [stage, { prompt }])
	);
	for (let attempt = 0; attempt < MAX_CODE_ATTEMPTS; attempt++) {
		const joinCode = nextCode();
		const [row] = await db.query<Pick<Row<'workshops'>, 'id'>>(
			`insert into workshops (org_id, title, team_name, join_code, created_by, stage_settings)
			 values ($1, $2, $3, $4, $5, $6)
			 on conflict (join_code) do nothing returning id`,
			[orgId, input.title, input.teamName, joinCode, me, JSON.stringify(settings)]
		);
		if (row) return { id: row.id, joinCode };
	}
	throw new Error(`No free join code after ${MAX_CODE_ATTEMPTS} attempts`);
}

/** The organisation's workshops that the caller may see, newest first. */
export async function list(db: Handle, orgId: string): Promise<WorkshopSummary[]> {
	return db.query<WorkshopSummary>(
		`select w.id, w.title, w.team_name as "teamName", w.join_code as "joinCode", w.status, w.stage,
		        w.created_at as "createdAt", w.ended_at as "endedAt",
		        (select count(*)::int from participants p where p.workshop_id = w.id) as "participantCount",
		        (select count(*)::int from stories s where s.workshop_id = w.id) as "storyCount",
		        app.drives(w.id) as drives
		 from workshops w where w.org_id = $1 order by w.created_at desc`,
		[orgId]
	);
}

type DrivenWorkshop = Pick<Row<'workshops'>, 'id' | 'title'> & { hasScreenLink: boolean };

/** The workshop with this code, if the caller drives it. */
export async function forDriver(db: Handle, joinCode: string): Promise<DrivenWorkshop | null> {
	const [row] = await db.query<DrivenWorkshop>(
		`select id, title, screen_token_hash is not null as "hasScreenLink"
		 from workshops where join_code = $1 and app.drives(id)`,
		[joinCode]
	);
	return row ?? null;
}

/** Where a workshop is: its stage, and whether it has started or ended (what a phone's page follows). */
export async function stageOf(
	db: Handle,
	workshopId: string
): Promise<Pick<Row<'workshops'>, 'stage' | 'status'> | null> {
	const [row] = await db.query<Pick<Row<'workshops'>, 'stage' | 'status'>>(
		`select stage, status from workshops where id = $1`,
		[workshopId]
	);
	return row ?? null;
}

/** Runs a driver's update; false when the caller may not drive it or it has ended. */
async function drive(db: Handle, workshopId: string, set: string, params: unknown[] = []): Promise<boolean> {
	const rows = await db.query(
		`update workshops set ${set} where id = $1 and status <> 'ended' returning id`,
		[workshopId, ...params]
	);
	return rows.length === 1;
}

/**
 * Moves to a stage; the first move out of the lobby starts the workshop. The timer belongs to the
 * stage it was started in and ends with it, unless the facilitator carries it on. A new stage
 * shows its own scene on the screen (the wall of personal visions comes off).
 */
export function setStage(db: Handle, workshopId: string, stage: Stage, carryTimer = false): Promise<boolean> {
	return drive(
		db,
		workshopId,
		`stage = $2, status = 'live', started_at = coalesce(started_at, now()),
		 timer_ends_at = case when $3 or stage = $2 then timer_ends_at end,
		 timer_paused_ms = case when $3 or stage = $2 then timer_paused_ms end,
		 visions_on_screen = visions_on_screen and stage = $2`,
		[stage, carryTimer]
	);
}

export type WallAction = 'pause' | 'resume' | 'next' | 'previous';
export const WALL_ACTIONS: readonly WallAction[] = ['pause', 'resume', 'next', 'previous'];

const WALL_SQL: Record<WallAction, string> = {
	pause: 'wall_paused = true',
	resume: 'wall_paused = false',
	next: 'wall_step = wall_step + 1',
	previous: 'wall_step = wall_step - 1'
};

/** Pauses, resumes or steps the story wall on the screen. */
export function wall(db: Handle, workshopId: string, action: WallAction): Promise<boolean> {
	return drive(db, workshopId, WALL_SQL[action]);
}

/** Sets (or, when empty, clears back to the default) the prompt of one stage. */
export function setPrompt(db: Handle, workshopId: string, stage: Stage, prompt: string): Promise<boolean> {
	return drive(
		db,
		workshopId,
		`stage_settings = case when $3 = '' then stage_settings #- array[$2::text, 'prompt']
		 else jsonb_set(stage_settings, array[$2::text], coalesce(stage_settings -> $2::text, '{}') || jsonb_build_object('prompt', $3::text)) end`,
		[stage, prompt]
	);
}

export function setPostingLocked(db: Handle, workshopId: string, locked: boolean): Promise<boolean> {
	return drive(db, workshopId, `posting_locked = $2`, [locked]);
}

/** Closes (or reopens) joining: phones already in are unaffected. */
export function setJoiningClosed(db: Handle, workshopId: string, closed: boolean): Promise<boolean> {
	return drive(db, workshopId, `joining_closed = $2`, [closed]);
}

export function setHiddenUntilReveal(db: Handle, workshopId: string, hidden: boolean): Promise<boolean> {
	return drive(db, workshopId, `hidden_until_reveal = $2`, [hidden]);
}

export type TimerAction = 'start' | 'add-minute' | 'pause' | 'resume' | 'reset';
export const TIMER_ACTIONS: readonly TimerAction[] = ['start', 'add-minute', 'pause', 'resume', 'reset'];

const TIMER_SQL: Record<TimerAction, string> = {
	start: `timer_ends_at = now() + make_interval(secs => $2), timer_paused_ms = null`,
	'add-minute': `timer_ends_at = case when timer_paused_ms is null then greatest(coalesce(timer_ends_at, now()), now()) + interval '1 minute' end,
	               timer_paused_ms = timer_paused_ms + 60000`,
	pause: `timer_paused_ms = greatest(0, ceil(extract(epoch from timer_ends_at - now()) * 1000))::int, timer_ends_at = null`,
	resume: `timer_ends_at = now() + make_interval(secs => timer_paused_ms / 1000.0), timer_paused_ms = null`,
	reset: `timer_ends_at = null, timer_paused_ms = null`
};
// Which timer states each action applies to, so a stray double-click changes nothing.
const TIMER_WHEN: Record<TimerAction, string> = {
	start: 'true',
	'add-minute': 'true',
	pause: 'timer_ends_at is not null',
	resume: 'timer_paused_ms is not null',
	reset: 'true'
};

/** Runs the countdown; `seconds` is the length for `start`. */
export async function timer(
	db: Handle,
	workshopId: string,
	action: TimerAction,
	seconds = 300
): Promise<boolean> {
	const params = action === 'start' ? [seconds] : [];
	const rows = await db.query(
		`update workshops set ${TIMER_SQL[action]}
		 where id = $1 and status <> 'ended' and ${TIMER_WHEN[action]} returning id`,
		[workshopId, ...params]
	);
	return rows.length === 1;
}

/**
 * Deletes a workshop with everything in it — its stories (in the library too), ballots and
 * participants — as one of its facilitators or an owner of its organisation, and never while it runs;
 * the policies decide. Returns its title, or null when there is nothing this caller may delete.
 */
export async function remove(db: Handle, workshopId: string): Promise<string | null> {
	const [row] = await db.query<{ title: string }>(`delete from workshops where id = $1 returning title`, [
		workshopId
	]);
	return row?.title ?? null;
}

/** Ends the workshop; consenting stories join the library in the same transaction. */
export async function end(db: Handle, workshopId: string): Promise<boolean> {
	const [row] = await db.query<{ ended: boolean }>(`select app.end_workshop($1) as ended`, [workshopId]);
	return row?.ended ?? false;
}

/** A new screen link secret (replacing any earlier one), so a borrowed laptop need not sign in. */
export async function createScreenLink(db: Handle, workshopId: string): Promise<string | null> {
	const token = newToken();
	const rows = await db.query(
		`update workshops set screen_token_hash = $2 where id = $1 and app.drives(id) returning id`,
		[workshopId, hashToken(token)]
	);
	return rows.length === 1 ? token : null;
}

export async function revokeScreenLink(db: Handle, workshopId: string): Promise<boolean> {
	const rows = await db.query(
		`update workshops set screen_token_hash = null where id = $1 and app.drives(id) returning id`,
		[workshopId]
	);
	return rows.length === 1;
}

/** The workshop a screen link opens (checked by the sign-in service, on the owner connection). */
export async function forScreenLink(db: Database, joinCode: string, token: string): Promise<string | null> {
	const [row] = await db.query<Pick<Row<'workshops'>, 'id'>>(
		`select id from workshops where join_code = $1 and screen_token_hash = $2`,
		[joinCode, hashToken(token)]
	);
	return row?.id ?? null;
}

export interface Preview {
	title: string;
	teamName: string | null;
	status: string;
	joiningClosed: boolean;
}

/** What the join page may show to anyone holding the code; null for an unknown or ended workshop. */
export async function preview(db: Handle, joinCode: string): Promise<Preview | null> {
	const [row] = await db.query<Preview>(
		`select title, team_name as "teamName", status, joining_closed as "joiningClosed"
		 from app.workshop_preview($1)`,
		[joinCode]
	);
	return row ?? null;
}
