// Explore: each participant's mood (1–5) and one line about a recent service moment.
import type { Handle } from './db';
import type { Row } from './db/rows';
import type { Participant } from './participants';
import { refusedWhenClosed } from './posting';

type Mood = Pick<Row<'moods'>, 'score' | 'line'>;

/**
 * Posts or replaces the participant's mood; an older one (`seq`, see `$lib/sequence`) arriving after
 * a newer one changes nothing. Refused unless Explore is open and unlocked. Returns the mood the
 * database keeps: this one, or the newer one, as a ballot's answer does.
 */
export async function post(
	db: Handle,
	me: Participant,
	input: { score: number; line: string | null; seq?: number | null }
): Promise<Mood | null> {
	const [stored] = await refusedWhenClosed(db, me.workshopId, 'explore', () =>
		db.query<Mood>(
			`insert into moods (workshop_id, participant_id, score, line, seq)
			 values ($1, $2, $3, $4, coalesce($5, app.now_ms()))
			 on conflict (workshop_id, participant_id) do update
			   set score = excluded.score, line = excluded.line, seq = excluded.seq, updated_at = now()
			 returning score, line`,
			[me.workshopId, me.id, input.score, input.line, input.seq ?? null]
		)
	);
	// Nothing returned: a newer mood was kept; read it in a statement of its own, which sees it even
	// when it was committed while this one ran.
	return stored ?? mine(db, me);
}

export async function mine(db: Handle, me: Participant): Promise<Mood | null> {
	const [row] = await db.query<Mood>(
		`select score, line from moods where workshop_id = $1 and participant_id = $2`,
		[me.workshopId, me.id]
	);
	return row ?? null;
}
