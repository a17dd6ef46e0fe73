// Explore: each participant's mood (1–5) and one line about a recent service moment.
import type { Handle } from './db';
import type { Participant } from './participants';
import type { VoteSubject } from './votes';

export class PostingClosedError extends Error {}

/** The reason given while the facilitator has paused posting (a phone drops it once posting resumes). */
export const PAUSED_REASON = 'The facilitator has paused posting for a moment.';

/** Proposals close when the vote on them opens: what a phone is told then. */
const VOTE_OPENED: Record<VoteSubject, string> = {
	rallying_cry: 'The vote has opened, so new rallying cries are closed. Vote for your favourite!',
	obstacles: 'Dot voting has opened, so no new obstacles now. Fixes are still welcome.'
};

/** Why posting is closed (app.posting_closed decides it, for the policies too), in a phone's words. */
const CLOSED: Record<string, string> = {
	ended: 'This workshop has ended.',
	not_open: 'This part of the workshop is not open right now.',
	paused: PAUSED_REASON
};

/**
 * Why a participant's post was refused, in words for their phone. `proposing` names what the post
 * proposes, when opening a vote on it closes its proposals.
 */
export async function closedReason(
	db: Handle,
	workshopId: string,
	stage: string,
	proposing?: VoteSubject
): Promise<string> {
	const [row] = await db.query<{ closed: string | null; voting: boolean }>(
		`select app.posting_closed($1, $2) as closed, $3::text is not null and app.voting_started($1, $3) as voting`,
		[workshopId, stage, proposing ?? null]
	);
	if (row?.closed) return CLOSED[row.closed] ?? 'This could not be posted.';
	if (proposing && row?.voting) return VOTE_OPENED[proposing];
	return 'This could not be posted.';
}

/**
 * Runs a participant's post; when row-level security refuses it (42501), says why in words for
 * their phone: the stage is not open, posting is paused, the workshop has ended, or (`proposing`)
 * the vote on what it proposes has opened.
 */
export async function refusedWhenClosed<T>(
	db: Handle,
	workshopId: string,
	stage: string,
	run: () => Promise<T>,
	proposing?: VoteSubject
): Promise<T> {
	try {
		return await run();
	} catch (error) {
		if ((error as { code?: string }).code === '42501') {
			throw new PostingClosedError(await closedReason(db, workshopId, stage, proposing));
		}
		throw error;
	}
}

/** Posts or replaces the participant's mood. Refused unless Explore is open and unlocked. */
export async function post(
	db: Handle,
	me: Participant,
	input: { score: number; line: string | null }
): Promise<void> {
	await refusedWhenClosed(db, me.workshopId, 'explore', () =>
		db.query(
			`insert into moods (workshop_id, participant_id, score, line) values ($1, $2, $3, $4)
			 on conflict (workshop_id, participant_id) do update set score = excluded.score, line = excluded.line, updated_at = now()`,
			[me.workshopId, me.id, input.score, input.line]
		)
	);
}

export async function mine(
	db: Handle,
	me: Participant
): Promise<{ score: number; line: string | null } | null> {
	const [row] = await db.query<{ score: number; line: string | null }>(
		`select score, line from moods where workshop_id = $1 and participant_id = $2`,
		[me.workshopId, me.id]
	);
	return row ?? null;
}
