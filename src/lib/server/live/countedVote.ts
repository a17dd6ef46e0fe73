// The votes of Grow (dots on obstacles) and Excite (rallying cries): a subject's latest vote,
// counted once and then shaped for each audience.
import type { Audience, VoteView } from '$lib/live';
import type { Tally } from '$lib/tally';
import type { Handle } from '../db';
import * as votes from '../votes';
import type { ChangeRead } from './feature';

/** A subject's latest vote with its ballots counted, read once and then shaped for each audience. */
export interface CountedVote {
	vote: votes.Vote;
	ballots: number;
	onBehalf: number;
	/** The tally, when one of the audiences it was counted for may see it. */
	result: Tally | null;
}

/** The facilitator may peek at any time; everyone else sees the result once it is revealed. */
const seesResult = (audience: Audience, vote: votes.Vote) =>
	audience === 'facilitator' || vote.status === 'revealed';

/** The latest vote on `subject`, tallied only if one of `audiences` may see the result. */
export async function countedVote(
	db: Handle,
	workshopId: string,
	subject: votes.VoteSubject,
	audiences: readonly Audience[]
): Promise<CountedVote | null> {
	const vote = await votes.latest(db, workshopId, subject);
	if (!vote) return null;
	const [cast] = await db.query<{ ballots: number; onBehalf: number }>(
		`select count(*)::int as ballots, (count(*) filter (where on_behalf))::int as "onBehalf"
		 from ballots where vote_id = $1`,
		[vote.id]
	);
	const tallied = audiences.some((audience) => seesResult(audience, vote));
	return {
		vote,
		ballots: cast?.ballots ?? 0,
		onBehalf: cast?.onBehalf ?? 0,
		result: tallied ? await votes.count(db, vote) : null
	};
}

export function voteView(counted: CountedVote | null, audience: Audience): VoteView | null {
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
		result: seesResult(audience, counted.vote) ? counted.result : null,
		labels: counted.vote.result?.labels ?? null
	};
}

const ballotSubjects = new WeakMap<ChangeRead, Promise<votes.VoteSubject>>();

/** The subject of the vote a `ballot` announcement names: read once, for Grow and Excite both. */
export function ballotSubject(read: ChangeRead): Promise<votes.VoteSubject> {
	let subject = ballotSubjects.get(read);
	if (!subject) {
		subject = readBallotSubject(read);
		ballotSubjects.set(read, subject);
	}
	return subject;
}

async function readBallotSubject({ db, change }: ChangeRead): Promise<votes.VoteSubject> {
	const [vote] = change.ref
		? await db.query<{ subject: votes.VoteSubject }>(`select subject from votes where id = $1`, [change.ref])
		: [];
	return vote?.subject ?? 'rallying_cry';
}
