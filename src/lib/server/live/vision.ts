// The vision statement as it is written: drafts, amendments, the closing check and Dream's
// phrases. The database decides who reads what: the check's counts for all, its reasons for the
// facilitator (app.check_reasons); phrases for the screen and the facilitator (the phrases policy).
import { AUDIENCES, type AmendmentView, type Audience, type CheckTally, type VisionState } from '$lib/live';
import type { Database, Handle } from '../db';
import { renderMarkdown } from '../markdown';
import { ROOM_AUDIENCES, rereadFor, type LiveFeature, type LiveRead } from './feature';
import { readAs } from './view';

/** The drafts, amendments, closing check and phrases of the vision statement, as `db` may read them. */
async function readVision(db: Handle, workshopId: string): Promise<VisionState> {
	const versions = await db.query<{ version: number; body: string }>(
		`select version, body from vision_versions where workshop_id = $1 order by version`,
		[workshopId]
	);
	const amendments = await db.query<AmendmentView>(
		`select id, target, proposed, status from vision_amendments where workshop_id = $1 order by created_at`,
		[workshopId]
	);
	const counted = await db.query<{ version: number; stance: keyof CheckTally; count: number }>(
		`select version, stance, count from app.check_tallies($1) order by version desc`,
		[workshopId]
	);
	const current = versions.at(-1)?.version ?? null;
	const reasons =
		current === null
			? []
			: await db.query<{ reason: string }>(`select app.check_reasons($1, $2) as reason`, [
					workshopId,
					current
				]);
	// "Heard", "heard." and " heard " are one phrase (phrases.normalized), shown in its most common
	// spelling. The cloud is what the room sees, so the facilitator's leaves out hidden ones too.
	const phrases = await db.query<{ text: string; count: number }>(
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

/** The vision as `audience` sees it. */
export const visionState = (db: Database, workshopId: string, audience: Audience): Promise<VisionState> =>
	readAs(db, workshopId, audience, readVision);

const vision = async ({ db, workshopId }: LiveRead) => ({ vision: await readVision(db, workshopId) });

export const visionFeature = {
	audiences: AUDIENCES,
	snapshot: vision,
	on: {
		vision: rereadFor(AUDIENCES, vision),
		// Phones read no phrases but their own, which they do not show here.
		phrase: rereadFor(ROOM_AUDIENCES, vision)
	}
} satisfies LiveFeature;
