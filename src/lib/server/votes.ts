// Votes: the facilitator opens one (single choice, dots, or ranked), participants cast one ballot
// each and may change it until it closes, and the reveal shows everyone the same result. The
// database enforces who may vote and what a ballot may say; tally.ts does the counting. The reveal
// stores what it shows (the tally and the options' words then): from then on that is the result,
// whatever is proposed, hidden, merged or cast later.
import type { MyBallot } from '$lib/ballot';
import { tally, tallyChosen, type Tally, type VoteMethod } from '$lib/tally';
import type { Handle } from './db';
import type { Row } from './db/rows';
import type { Participant } from './participants';

export type VoteSubject = 'obstacles' | 'rallying_cry';
export type VoteStatus = 'open' | 'closed' | 'revealed';

export interface VoteRules {
	subject: VoteSubject;
	method: VoteMethod;
	/** Dots per person (dot voting). */
	dots?: number;
	/** Whether a person may put several dots on one item. */
	mayStack?: boolean;
	/** A runoff among these only; empty or absent means every item of the subject. */
	options?: string[];
}

export interface Vote {
	id: string;
	workshopId: string;
	subject: VoteSubject;
	method: VoteMethod;
	dots: number;
	mayStack: boolean;
	options: string[];
	status: VoteStatus;
	winnerId: string | null;
	/** The result as revealed (with the options' words then); null before the reveal. */
	result: Tally | null;
	/** The revealed vote whose tie this runoff settles, or null. */
	runoffOf: string | null;
}

export class BallotRefusedError extends Error {}

const VOTE_COLUMNS = `id, workshop_id as "workshopId", subject, method, dots, may_stack as "mayStack", options,
	status, winner_id as "winnerId", result || jsonb_build_object('labels', labels) as result, runoff_of as "runoffOf"`;

function codeOf(error: unknown): string | undefined {
	return (error as { code?: string }).code;
}

/** Opens a vote (the facilitator); null when the caller may not, or one on this subject is open. */
export async function open(
	db: Handle,
	workshopId: string,
	rules: VoteRules,
	runoffOf: string | null = null
): Promise<Vote | null> {
	try {
		const [vote] = await db.query<Vote>(
			`insert into votes (workshop_id, subject, method, dots, may_stack, options, runoff_of)
			 select $1, $2, $3, $4, $5, $6, $7 where app.drives($1) and app.is_live($1)
			 returning ${VOTE_COLUMNS}`,
			[
				workshopId,
				rules.subject,
				rules.method,
				rules.dots ?? 1,
				rules.mayStack ?? false,
				rules.options ?? [],
				runoffOf
			]
		);
		return vote ?? null;
	} catch (error) {
		if (codeOf(error) === '23505') return null; // another vote on this subject is open
		throw error;
	}
}

export async function get(db: Handle, voteId: string): Promise<Vote | null> {
	const [vote] = await db.query<Vote>(`select ${VOTE_COLUMNS} from votes where id = $1`, [voteId]);
	return vote ?? null;
}

/**
 * Casts the participant's ballot, or replaces the one they cast before; one ballot per participant
 * per vote. The answer is the ballot the database keeps: this one, or a newer one the phone sent
 * before this (older) request arrived (`seq`, see `$lib/sequence`). Sending the same ballot again
 * (a retry) changes nothing.
 */
export async function cast(
	db: Handle,
	me: Participant,
	voteId: string,
	choices: string[],
	seq: number | null = null
): Promise<MyBallot> {
	try {
		const [sent] = await db.query<Pick<Row<'ballots'>, 'choices'>>(
			`insert into ballots (vote_id, workshop_id, participant_id, choices, seq)
			 values ($1, $2, $3, $4, coalesce($5, app.now_ms()))
			 on conflict (vote_id, participant_id) do update
			   set choices = excluded.choices, seq = excluded.seq, updated_at = now()
			 returning choices`,
			[voteId, me.workshopId, me.id, JSON.stringify(choices), seq]
		);
		// Nothing returned: a newer ballot was kept. Read it in a statement of its own, which sees it
		// even when it was committed while this one ran.
		const kept = sent ?? (await myBallot(db, me, voteId));
		if (!kept) throw new BallotRefusedError('This vote is closed.');
		return { voteId, choices: kept.choices };
	} catch (error) {
		if (error instanceof BallotRefusedError) throw error;
		if (codeOf(error) === '42501') throw new BallotRefusedError('This vote is closed.');
		if (codeOf(error) === '23514' || codeOf(error) === '23503') {
			throw new BallotRefusedError((error as Error).message);
		}
		throw error;
	}
}

/** The participant's current ballot on a vote, or null. */
export async function myBallot(db: Handle, me: Participant, voteId: string): Promise<MyBallot | null> {
	const [row] = await db.query<Pick<Row<'ballots'>, 'choices'>>(
		`select choices from ballots where vote_id = $1 and participant_id = $2`,
		[voteId, me.id]
	);
	return row ? { voteId, choices: row.choices } : null;
}

/** Stops accepting ballots. */
export async function close(db: Handle, voteId: string): Promise<boolean> {
	const rows = await db.query(
		`update votes set status = 'closed', closed_at = now() where id = $1 and status = 'open' returning id`,
		[voteId]
	);
	return rows.length === 1;
}

/**
 * The result: once revealed, what the reveal stored; before, the count so far — for the facilitator
 * (a peek) and the owner connection; anyone else counts nothing.
 */
export function count(db: Handle, vote: Vote): Promise<Tally> {
	return vote.result ? Promise.resolve(vote.result) : countBallots(db, vote);
}

/** What the vote's ballots may name, in the order a tally lists ties. */
export async function choices(db: Handle, voteId: string): Promise<string[]> {
	const [row] = await db.query<{ options: string[] }>(
		`select app.vote_choices(v) as options from votes v where v.id = $1`,
		[voteId]
	);
	return row?.options ?? [];
}

async function countBallots(db: Handle, vote: Vote, options?: string[]): Promise<Tally> {
	options ??= await choices(db, vote.id);
	// Choices without who made them: ballots themselves are secret, even from the facilitator.
	const ballotsSql = `select choices from app.vote_ballots($1) as ballot(choices)`;
	if (vote.method === 'ranked') {
		const ballots = await db.query<{ choices: string[] }>(ballotsSql, [vote.id]);
		return tally(
			vote.method,
			options,
			ballots.map((ballot) => ballot.choices),
			vote.id
		);
	}
	// Single and dot votes are added up in the database: one row per option chosen, and one with a
	// null option counting the ballots, rather than every ballot sent over for each live update.
	const rows = await db.query<{ option: string | null; n: number }>(
		`with cast_ballots as (${ballotsSql})
		 select null as option, count(*)::int as n from cast_ballots
		 union all
		 select choice.option, count(*)::int from cast_ballots,
		        jsonb_array_elements_text(cast_ballots.choices) with ordinality as choice(option, position)
		 where $2 or choice.position = 1
		 group by choice.option`,
		[vote.id, vote.method === 'dot']
	);
	const chosen = new Map(rows.flatMap((row) => (row.option === null ? [] : [[row.option, row.n] as const])));
	const ballots = rows.find((row) => row.option === null)?.n ?? 0;
	return tallyChosen(vote.method, options, chosen, ballots);
}

/** The latest vote on subject $2 in workshop $1 (open, closed or revealed), as a `Vote` row. */
export const LATEST_VOTE_SQL = `select ${VOTE_COLUMNS} from votes where workshop_id = $1 and subject = $2
	order by opened_at desc limit 1`;

/** Vote $2 of workshop $1, as a `Vote` row. */
export const VOTE_SQL = `select ${VOTE_COLUMNS} from votes where workshop_id = $1 and id = $2`;

/** The latest vote on a subject in the workshop, or null. */
export async function latest(db: Handle, workshopId: string, subject: VoteSubject): Promise<Vote | null> {
	const [vote] = await db.query<Vote>(LATEST_VOTE_SQL, [workshopId, subject]);
	return vote ?? null;
}

/** The words of `options` as the caller sees them now, to store with a result. */
async function labelsOf(
	db: Handle,
	subject: VoteSubject,
	options: string[]
): Promise<Record<string, string>> {
	const table = subject === 'rallying_cry' ? 'rallying_cries' : 'obstacles';
	const [row] = await db.query<{ labels: Record<string, string> }>(
		`select coalesce(jsonb_object_agg(id, text), '{}') as labels from ${table} where id = any($1::uuid[])`,
		[options]
	);
	return row?.labels ?? {};
}

/**
 * Reveals `vote` (locked by the caller): counts its ballots and stores the result with the options'
 * words, closing it if it was open.
 */
async function freeze(tx: Handle, vote: Vote): Promise<Tally> {
	const options = await choices(tx, vote.id);
	const result = await countBallots(tx, vote, options);
	const labels = await labelsOf(tx, vote.subject, options);
	await tx.query(
		`update votes set status = 'revealed', closed_at = coalesce(closed_at, now()),
		        revealed_at = coalesce(revealed_at, now()), result = $2, labels = $3
		 where id = $1`,
		[vote.id, JSON.stringify(result), JSON.stringify(labels)]
	);
	return { ...result, labels };
}

/**
 * Makes `winnerId` the vote's winner: a rallying cry's winner becomes the workshop's cry, and a
 * runoff's winner also settles the tie it was opened for.
 */
async function decide(tx: Handle, vote: Vote, winnerId: string): Promise<void> {
	await tx.query(`update votes set winner_id = $2 where id = $1 and winner_id is null`, [vote.id, winnerId]);
	if (vote.subject === 'rallying_cry') {
		await tx.query(`update workshops set rallying_cry_id = $2 where id = $1`, [vote.workshopId, winnerId]);
	}
	const settles = vote.runoffOf ? await get(tx, vote.runoffOf) : null;
	if (settles && !settles.winnerId && settles.result?.winners.includes(winnerId)) {
		await decide(tx, settles, winnerId);
	}
}

/**
 * Reveals the result to everyone at once (closing the vote first if it is open) and stores it: what
 * every screen, phone and the charter show from now on. A single winner is recorded; a tie is left
 * for the facilitator to break. Null when the caller may not.
 */
export async function reveal(db: Handle, voteId: string): Promise<Tally | null> {
	return db.transaction(async (tx) => {
		// Locked first: a ballot being cast now is counted, one cast after waits and is refused.
		const [vote] = await tx.query<Vote>(
			`select ${VOTE_COLUMNS} from votes
			 where id = $1 and status <> 'revealed' and app.drives(workshop_id) for update`,
			[voteId]
		);
		if (!vote) return null;
		const result = await freeze(tx, vote);
		if (result.winners.length === 1) await decide(tx, vote, result.winners[0]!);
		return result;
	});
}

/** Reveals a vote without the facilitator's check: for system jobs on the owner connection (the demo). */
export async function revealAsOwner(tx: Handle, voteId: string): Promise<Tally | null> {
	const [vote] = await tx.query<Vote>(`select ${VOTE_COLUMNS} from votes where id = $1 for update`, [voteId]);
	return vote ? freeze(tx, vote) : null;
}

/**
 * Stores the result of votes revealed before results were stored, counted as they stand now: run
 * once at start-up on the owner connection (afterwards there are none). Returns how many.
 */
export async function freezeEarlierReveals(db: Handle): Promise<number> {
	return db.transaction(async (tx) => {
		const earlier = await tx.query<Vote>(
			`select ${VOTE_COLUMNS} from votes where status = 'revealed' and result is null for update`
		);
		for (const vote of earlier) await freeze(tx, vote);
		return earlier.length;
	});
}

/** The facilitator breaks a revealed tie by choosing one of the tied (which goes first). */
export async function breakTie(db: Handle, voteId: string, winnerId: string): Promise<boolean> {
	return db.transaction(async (tx) => {
		const [vote] = await tx.query<Vote>(
			`select ${VOTE_COLUMNS} from votes where id = $1 and app.drives(workshop_id) for update`,
			[voteId]
		);
		if (!vote?.result || vote.winnerId) return false;
		const { winners } = vote.result;
		if (winners.length < 2 || !winners.includes(winnerId)) return false;
		await decide(tx, vote, winnerId);
		return true;
	});
}

/** Opens a runoff among a revealed vote's tied options (single choice); its winner settles the tie. */
export async function runoff(db: Handle, voteId: string): Promise<Vote | null> {
	const vote = await get(db, voteId);
	if (!vote?.result || vote.winnerId) return null;
	const { winners } = vote.result;
	if (winners.length < 2) return null;
	return open(db, vote.workshopId, { subject: vote.subject, method: 'single', options: winners }, vote.id);
}

/**
 * The facilitator enters a ballot for someone without a phone, added by name; it is marked as
 * entered on their behalf. Entering it again for the same name replaces it.
 */
export async function castOnBehalf(
	db: Handle,
	workshopId: string,
	voteId: string,
	name: string,
	choices: string[]
): Promise<void> {
	try {
		await db.transaction(async (tx) => {
			const [person] = await tx.query<{ id: string }>(`select app.add_paper_participant($1, $2) as id`, [
				workshopId,
				name
			]);
			await tx.query(
				`insert into ballots (vote_id, workshop_id, participant_id, choices, on_behalf) values ($1, $2, $3, $4, true)
				 on conflict (vote_id, participant_id) do update
				   set choices = excluded.choices, seq = excluded.seq, updated_at = now()`,
				[voteId, workshopId, person!.id, JSON.stringify(choices)]
			);
		});
	} catch (error) {
		if (codeOf(error) === '42501')
			throw new BallotRefusedError('This vote is closed, or not yours to enter.');
		if (codeOf(error) === '23514') throw new BallotRefusedError((error as Error).message);
		throw error;
	}
}
