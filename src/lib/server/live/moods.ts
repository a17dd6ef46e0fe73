// The room's moods, for the screen and the facilitator: counts by score, and the newest lines.
// The moods policy decides who reads which lines (the screen only once posts are shown).
import { MOOD_LINES_SHOWN, type MoodLine } from '$lib/live';
import { ROOM_AUDIENCES, rereadFor, type LiveFeature, type LiveRead, type SnapshotPart } from './feature';

const NO_MOODS = [0, 0, 0, 0, 0];

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
			// One statement: the counts, and the mood's line when it has one the reader may see.
			async read({ db, workshopId, change }) {
				const [row] = await db.query<{ counts: number[] | null; line: MoodLine | null }>(
					`select app.mood_counts($1) as counts,
					        (select jsonb_build_object('id', id, 'score', score, 'line', line)
					         from moods where id = $2 and line is not null) as line`,
					[workshopId, change.ref]
				);
				return {
					room: { moodCounts: row?.counts ?? NO_MOODS },
					...(row?.line ? { moodLine: row.line } : {})
				};
			}
		}
	}
} satisfies LiveFeature;
