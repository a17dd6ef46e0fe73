// The workshop itself — title, stage and prompt, lock, timer, wall controls, spotlight — which
// everyone sees, and which every snapshot and delta reads first.
import { AUDIENCES, type WorkshopState } from '$lib/live';
import { DEFAULT_PROMPTS } from '$lib/stageGuide';
import type { Stage } from '$lib/stages';
import type { Handle } from '../db';
import * as stories from '../stories';
import type { LiveFeature } from './feature';

interface WorkshopRow {
	title: string;
	team_name: string | null;
	join_code: string;
	locale: string;
	status: WorkshopState['status'];
	stage: Stage;
	stage_settings: Record<string, { prompt?: string } | undefined>;
	posting_locked: boolean;
	joining_closed: boolean;
	hidden_until_reveal: boolean;
	timer_ends_at: Date | null;
	timer_paused_ms: number | null;
	spotlight_story_id: string | null;
	wall_paused: boolean;
	wall_step: number;
	personal_vision_stage: WorkshopState['personalVisionStage'];
	visions_on_screen: boolean;
	version: number;
}

export async function workshopState(
	db: Handle,
	workshopId: string
): Promise<{ version: number; workshop: WorkshopState } | null> {
	const [row] = await db.query<WorkshopRow>(
		`select title, team_name, join_code, app.workshop_locale(id) as locale, status, stage, stage_settings,
		        posting_locked, joining_closed, hidden_until_reveal, timer_ends_at, timer_paused_ms, spotlight_story_id, wall_paused,
		        wall_step, personal_vision_stage, visions_on_screen, version
		 from workshops where id = $1`,
		[workshopId]
	);
	if (!row) return null;
	return {
		version: row.version,
		workshop: {
			title: row.title,
			teamName: row.team_name,
			joinCode: row.join_code,
			locale: row.locale,
			status: row.status,
			stage: row.stage,
			prompt: row.stage_settings[row.stage]?.prompt || DEFAULT_PROMPTS[row.stage],
			postingLocked: row.posting_locked,
			joiningClosed: row.joining_closed,
			hiddenUntilReveal: row.hidden_until_reveal,
			timer: { endsAt: row.timer_ends_at?.toISOString() ?? null, pausedMs: row.timer_paused_ms },
			wall: { paused: row.wall_paused, step: row.wall_step },
			spotlight: row.spotlight_story_id ? await stories.card(db, row.spotlight_story_id) : null,
			personalVisionStage: row.personal_vision_stage,
			visionsOnScreen: row.visions_on_screen
		}
	};
}

/** Already read for every snapshot and delta, so it costs nothing more here. */
export const workshopFeature = {
	audiences: AUDIENCES,
	snapshot: async ({ workshop }) => ({ workshop: await workshop() }),
	on: {
		workshop: { audiences: AUDIENCES, read: async ({ workshop }) => ({ workshop: await workshop() }) }
	}
} satisfies LiveFeature;
