// The room's moods, for the screen and the facilitator: counts by score, and the newest lines.
// The moods policy decides who reads which lines (the screen only once posts are shown).
import { MOOD_LINES_SHOWN, type MoodLine } from '$lib/live';
import type { Handle } from '../db';
import { ROOM_AUDIENCES, rereadFor, type LiveFeature, type LiveRead, type SnapshotPart } from './feature';

const NO_MOODS = [0, 0, 0, 0, 0];

async function moodCounts(db: Handle, workshopId: string): Promise<number[]> {
	const [row] = await db.query<{ counts: number[] | null }>(`select app.mood_counts($1) as counts`, [
		workshopId
	]);
	return row?.counts ?? NO_MOODS;
}

/** Counts and the newest lines in one statement: read again on every workshop change. */
async function moods({ db, workshopId }: LiveRead): Promise<SnapshotPart> {
	const [row] = await db.query<{ counts: number[] | null; lines: MoodLine[] }>(
		`select app.mood_counts($1) as counts,
		        coalesce((select jsonb_agg(jsonb_build_object('id', id, 'score', score, 'line', line)
		                                   order by updated_at desc)
		                  from (select id, score, line, updated_at from moods
		                        where workshop_id = $1 and line is not null
		                        order by updated_at desc limit $2) newest), '[]') as lines`,
		[workshopId, MOOD_LINES_SHOWN]
	);
	return { room: { moodCounts: row?.counts ?? NO_MOODS, moodLines: row?.lines ?? [] } };
}

export const moodsFeature = {
	audiences: ROOM_AUDIENCES,
	snapshot: moods,
	on: {
		// A reveal (or hiding posts again) changes which lines the screen may read.
		workshop: rereadFor(ROOM_AUDIENCES, moods),
		mood: {
			audiences: ROOM_AUDIENCES,
			async read({ db, workshopId, change }) {
				const counts = await moodCounts(db, workshopId);
				const [line] = change.ref
					? await db.query<MoodLine>(`select id, score, line from moods where id = $1 and line is not null`, [
							change.ref
						])
					: [];
				return { room: { moodCounts: counts }, ...(line ? { moodLine: line } : {}) };
			}
		}
	}
} satisfies LiveFeature;
