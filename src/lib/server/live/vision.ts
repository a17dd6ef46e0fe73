// The vision statement as it is written: drafts, amendments, the closing check (reasons for the
// facilitator only) and Dream's phrases (for the screen and the facilitator).
import { AUDIENCES, type AmendmentView, type Audience, type CheckTally, type VisionState } from '$lib/live';
import type { Handle } from '../db';
import { renderMarkdown } from '../markdown';
import { ROOM_AUDIENCES, rereadFor, type LiveFeature, type LiveRead } from './feature';

/** The drafts, amendments, closing check and phrases of the vision statement. */
export async function visionState(db: Handle, workshopId: string, audience: Audience): Promise<VisionState> {
	const versions = await db.query<{ version: number; body: string }>(
		`select version, body from vision_versions where workshop_id = $1 order by version`,
		[workshopId]
	);
	const amendments = await db.query<AmendmentView>(
		`select id, target, proposed, status from vision_amendments where workshop_id = $1 order by created_at`,
		[workshopId]
	);
	const counted = await db.query<{ version: number; stance: keyof CheckTally; count: number }>(
		`select version, stance, count(*)::int as count from vision_checks where workshop_id = $1
		 group by version, stance order by version desc`,
		[workshopId]
	);
	const current = versions.at(-1)?.version ?? null;
	const reasons =
		audience === 'facilitator' && current !== null
			? await db.query<{ reason: string }>(
					`select reason from vision_checks where workshop_id = $1 and version = $2 and reason is not null
					 order by updated_at`,
					[workshopId, current]
				)
			: [];
	// "Heard", "heard." and " heard " are one phrase (phrases.normalized), shown in its most common spelling.
	const phrases =
		audience === 'participant'
			? []
			: await db.query<{ text: string; count: number }>(
					`select (array_agg(spelling order by given desc, first))[1] as text, sum(given)::int as count
					 from (select normalized, regexp_replace(regexp_replace(text, '^\\s+|\\s+$', '', 'g'), '\\s+', ' ', 'g') as spelling,
					              count(*) as given, min(created_at) as first
					       from phrases where workshop_id = $1 and not hidden group by 1, 2) spellings
					 group by normalized order by count desc, min(first) limit 40`,
					[workshopId]
				);
	const tallies = new Map<number, CheckTally>();
	for (const { version, stance, count } of counted) {
		const tally = tallies.get(version) ?? { agree: 0, abstain: 0, disagree: 0 };
		tally[stance] = count;
		tallies.set(version, tally);
	}
	const latestTally = (current !== null && tallies.get(current)) || { agree: 0, abstain: 0, disagree: 0 };
	return {
		versions: versions.map((row) => ({ ...row, html: renderMarkdown(row.body) })),
		amendments,
		checks: { ...latestTally, version: current, reasons: reasons.map((row) => row.reason) },
		earlierChecks: [...tallies]
			.filter(([version]) => version !== current)
			.map(([version, tally]) => ({ version, ...tally })),
		phrases
	};
}

const vision = async ({ db, workshopId }: LiveRead, audience: Audience) => ({
	vision: await visionState(db, workshopId, audience)
});

export const visionFeature = {
	audiences: AUDIENCES,
	snapshot: vision,
	on: {
		vision: rereadFor(AUDIENCES, vision),
		// Phones do not show the phrases.
		phrase: rereadFor(ROOM_AUDIENCES, vision)
	}
} satisfies LiveFeature;
