// Posting while a stage is open: the refusal every domain a phone posts to shares, and its words.
// Whether posting is open is the database's to say (app.posting_closed, read by the policies too).
import type { Handle } from './db';
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

/**
 * Why the database refused a post as over a phone's posting limits (`app.limit_posting`: so many a
 * minute, so many in the workshop), in words for the phone; null for any other error. A person
 * never meets these; a script does.
 */
export function overPostingLimit(error: unknown): string | null {
	const { code, message, detail } = error as { code?: string; message?: string; detail?: string };
	if (code !== 'CX429') return null;
	if (message === 'posting_rate')
		return `That is more than ${detail} posts a minute from one phone. Wait a minute, then send it again: what you wrote is kept.`;
	return `This phone has posted ${detail} of these already, as many as one phone may in a workshop.`;
}
