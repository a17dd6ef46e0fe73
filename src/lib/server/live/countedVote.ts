// The votes of Grow (dots on obstacles) and Excite (rallying cries): a subject's latest vote with
// its ballots counted, and its result when the reader may see it (app.sees_result: the facilitator
// at any time, everyone else once revealed).
import type { VoteView } from '$lib/live';
import type { Tally } from '$lib/tally';
import type { Handle } from '../db';
import * as votes from '../votes';
import type { ChangeRead } from './feature';

export interface CountedVote {
	vote: votes.Vote;
	ballots: number;
	onBehalf: number;
	/** The tally, when the reader may see it. */
	result: Tally | null;
}

/** The latest vote on `subject` as the caller may see it. */
export async function countedVote(
	db: Handle,
	workshopId: string,
	subject: votes.VoteSubject
): Promise<CountedVote | null> {
	const vote = await votes.latest(db, workshopId, subject);
	if (!vote) return null;
	const [cast] = await db.query<{ ballots: number; onBehalf: number; seesResult: boolean }>(
		`select coalesce(c.ballots, 0) as ballots, coalesce(c.on_behalf, 0) as "onBehalf",
		        app.sees_result($2) as "seesResult"
		 from (select 1) one left join app.ballot_counts($1) c on c.vote_id = $2`,
		[workshopId, vote.id]
	);
	return {
		vote,
		ballots: cast?.ballots ?? 0,
		onBehalf: cast?.onBehalf ?? 0,
		result: cast?.seesResult ? await votes.count(db, vote) : null
	};
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

/** The subject of the vote a `ballot` announcement names. */
export async function ballotSubject({ db, change }: ChangeRead): Promise<votes.VoteSubject> {
	const [vote] = change.ref
		? await db.query<{ subject: votes.VoteSubject }>(`select subject from votes where id = $1`, [change.ref])
		: [];
	return vote?.subject ?? 'rallying_cry';
}
