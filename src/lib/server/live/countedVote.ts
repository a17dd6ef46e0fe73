// The votes of Grow (dots on obstacles) and Excite (rallying cries): a vote with its ballots
// counted, and its result when the reader may see it (app.sees_result: the facilitator at any time,
// everyone else once revealed).
import type { VoteView } from '$lib/live';
import type { Tally } from '$lib/tally';
import type { Handle } from '../db';
import * as votes from '../votes';

export interface CountedVote {
	vote: votes.Vote;
	ballots: number;
	onBehalf: number;
	/** The tally, when the reader may see it. */
	result: Tally | null;
}

/** The vote `which` picks (from workshop $1 and key $2), its counts, and whether the reader sees its result. */
const counted = (which: string) =>
	`select v.*, coalesce(c.ballots, 0) as ballots, coalesce(c.on_behalf, 0) as "onBehalf",
	        app.sees_result(v.id) as "seesResult"
	 from (${which}) v left join app.ballot_counts($1) c on c.vote_id = v.id`;
const LATEST_COUNTED = counted(votes.LATEST_VOTE_SQL);
const COUNTED = counted(votes.VOTE_SQL);

/** One statement for the vote and its counts, then the tally if the reader may see it. */
async function read(
	db: Handle,
	sql: string,
	params: [workshopId: string, key: string]
): Promise<CountedVote | null> {
	const [row] = await db.query<votes.Vote & { ballots: number; onBehalf: number; seesResult: boolean }>(
		sql,
		params
	);
	if (!row) return null;
	const { ballots, onBehalf, seesResult, ...vote } = row;
	return { vote, ballots, onBehalf, result: seesResult ? await votes.count(db, vote) : null };
}

/** The latest vote on `subject` as the reader may see it. */
export function countedVote(
	db: Handle,
	workshopId: string,
	subject: votes.VoteSubject
): Promise<CountedVote | null> {
	return read(db, LATEST_COUNTED, [workshopId, subject]);
}

/** Vote `voteId` as the reader may see it (null when it cannot). */
export function countedVoteById(db: Handle, workshopId: string, voteId: string): Promise<CountedVote | null> {
	return read(db, COUNTED, [workshopId, voteId]);
}

export function voteView(counted: CountedVote | null): VoteView | null {
	if (!counted) return null;
	const { id, method, dots, mayStack, options, status, winnerId } = counted.vote;
	return {
		id,
		method,
		dots,
		mayStack,
		options,
		status,
		winnerId,
		ballots: counted.ballots,
		onBehalf: counted.onBehalf,
		result: counted.result,
		labels: counted.vote.result?.labels ?? null
	};
}
