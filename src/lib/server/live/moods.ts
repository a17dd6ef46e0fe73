// The room's moods, for the screen and the facilitator: counts by score, and the newest lines
// once posts are shown (the facilitator always sees them).
import { MOOD_LINES_SHOWN, type Audience, type MoodLine } from '$lib/live';
import type { Handle } from '../db';
import { ROOM_AUDIENCES, rereadFor, type LiveFeature, type LiveRead, type SnapshotPart } from './feature';
import { showsPosts } from './visibility';

async function moodCounts(db: Handle, workshopId: string): Promise<number[]> {
	const rows = await db.query<{ score: number; n: number }>(
		`select score, count(*)::int as n from moods where workshop_id = $1 group by score`,
		[workshopId]
	);
	const counts = [0, 0, 0, 0, 0];
	for (const row of rows) counts[row.score - 1] = row.n;
	return counts;
}

async function moods({ db, workshopId, workshop }: LiveRead, audience: Audience): Promise<SnapshotPart> {
	const lines = showsPosts(audience, workshop)
		? await db.query<MoodLine>(
				`select id, score, line from moods where workshop_id = $1 and line is not null
				 order by updated_at desc limit $2`,
				[workshopId, MOOD_LINES_SHOWN]
			)
		: [];
	return { room: { moodCounts: await moodCounts(db, workshopId), moodLines: lines } };
}

export const moodsFeature = {
	audiences: ROOM_AUDIENCES,
	snapshot: moods,
	on: {
		// A reveal (or hiding posts again) changes which lines the screen may show.
		workshop: rereadFor(ROOM_AUDIENCES, moods),
		mood: {
			audiences: ROOM_AUDIENCES,
			async read({ db, workshopId, workshop, change }) {
				const counts = await moodCounts(db, workshopId);
				const [line] = change.ref
					? await db.query<MoodLine>(`select id, score, line from moods where id = $1 and line is not null`, [
							change.ref
						])
					: [];
				return (audience) => ({
					room: { moodCounts: counts },
					...(line && showsPosts(audience, workshop) ? { moodLine: line } : {})
				});
			}
		}
	}
} satisfies LiveFeature;
