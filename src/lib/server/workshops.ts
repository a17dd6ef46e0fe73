import { generateJoinCode } from '$lib/joinCode';
import type { Handle } from './db';
import { randomIndex } from './tokens';

export type Stage = 'lobby' | 'explore' | 'dream' | 'grow' | 'excite' | 'wrapup';
export const STAGES: readonly Stage[] = ['lobby', 'explore', 'dream', 'grow', 'excite', 'wrapup'];

export interface WorkshopSummary {
	id: string;
	title: string;
	teamName: string | null;
	joinCode: string;
	status: 'draft' | 'live' | 'ended';
	stage: Stage;
	createdAt: Date;
	endedAt: Date | null;
	participantCount: number;
	storyCount: number;
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
	input: { title: string; teamName: string | null },
	nextCode: () => string = () => generateJoinCode(randomIndex)
): Promise<{ id: string; joinCode: string }> {
	for (let attempt = 0; attempt < MAX_CODE_ATTEMPTS; attempt++) {
		const joinCode = nextCode();
		const [row] = await db.query<{ id: string }>(
			`insert into workshops (org_id, title, team_name, join_code, created_by) values ($1, $2, $3, $4, $5)
			 on conflict (join_code) do nothing returning id`,
			[orgId, input.title, input.teamName, joinCode, me]
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
		        (select count(*)::int from stories s where s.workshop_id = w.id) as "storyCount"
		 from workshops w where w.org_id = $1 order by w.created_at desc`,
		[orgId]
	);
}

/** Moves a workshop to another stage; false when the caller may not drive it. */
export async function setStage(db: Handle, workshopId: string, stage: Stage): Promise<boolean> {
	const rows = await db.query(
		`update workshops set stage = $2, status = case when status = 'draft' then 'live' else status end,
		        started_at = coalesce(started_at, now()), version = version + 1
		 where id = $1 and status <> 'ended' returning id`,
		[workshopId, stage]
	);
	return rows.length === 1;
}
