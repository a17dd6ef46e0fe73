// Counting votes: single choice, dot voting, and ranked choice by instant runoff. Pure and
// deterministic, so the server, the screen and the tests all count the same way. A tie is never
// broken here: it is reported, and the facilitator breaks it (or runs a runoff among the tied).

export type VoteMethod = 'single' | 'dot' | 'ranked';

/** One participant's ballot: single [option]; dot [option, …] (a repeat stacks a dot); ranked [first, second, …]. */
export type Ballot = readonly string[];

export interface Count {
	option: string;
	votes: number;
}

export interface Round {
	/** Continuing options and their votes this round, most first. */
	counts: Count[];
	/** Ballots with no continuing option left (ranked only). */
	exhausted: number;
	/** Options eliminated at the end of this round (several when they tied for fewest). */
	eliminated: string[];
}

export interface Tally {
	method: VoteMethod;
	/** Ballots counted (a ballot naming no valid option still counts as cast, for exhaustion). */
	ballots: number;
	/** The final counts, most first, ties in option order. */
	totals: Count[];
	/** Instant-runoff rounds, first to last (one round for single and dot). */
	rounds: Round[];
	/** The winner, or several when they tie; empty when nobody voted for anything. */
	winners: string[];
}

/**
 * Counts `ballots` for `options`. Choices naming anything else are ignored; for single choice only
 * the first choice counts, and for ranked choice only an option's first mention.
 */
export function tally(method: VoteMethod, options: readonly string[], ballots: readonly Ballot[]): Tally {
	const valid = new Set(options);
	const cleaned = ballots.map((ballot) => ballot.filter((choice) => valid.has(choice)));
	if (method === 'ranked') return instantRunoff(options, cleaned);
	const chosen = new Map<string, number>();
	for (const ballot of cleaned) {
		for (const choice of method === 'single' ? ballot.slice(0, 1) : ballot) {
			chosen.set(choice, (chosen.get(choice) ?? 0) + 1);
		}
	}
	return tallyChosen(method, options, chosen, ballots.length);
}

/**
 * The same count as `tally` for single choice and dot voting, from how often each option was
 * chosen (single: first choices only): what the database can add up without sending every ballot.
 */
export function tallyChosen(
	method: Exclude<VoteMethod, 'ranked'>,
	options: readonly string[],
	chosen: ReadonlyMap<string, number>,
	ballots: number
): Tally {
	const votes = new Map(options.map((option) => [option, chosen.get(option) ?? 0]));
	const totals = sorted(options, votes);
	return {
		method,
		ballots,
		totals,
		rounds: [{ counts: totals, exhausted: 0, eliminated: [] }],
		winners: leaders(totals)
	};
}

/** Options by votes, most first; equal votes keep the options' own order, so the result never depends on ballot order. */
function sorted(options: readonly string[], votes: Map<string, number>): Count[] {
	return options
		.filter((option) => votes.has(option))
		.map((option) => ({ option, votes: votes.get(option)! }))
		.sort((a, b) => b.votes - a.votes);
}

function leaders(totals: Count[]): string[] {
	const top = totals[0]?.votes ?? 0;
	return top === 0 ? [] : totals.filter((count) => count.votes === top).map((count) => count.option);
}

/**
 * Instant runoff: each round, every ballot counts for its highest-ranked option still in the
 * running. An option with more than half of the ballots still counting wins. Otherwise the option
 * with the fewest votes is eliminated — all of them at once when several tie for fewest, which keeps
 * the count independent of any order. If that would eliminate everyone left, they tie.
 */
function instantRunoff(options: readonly string[], ballots: string[][]): Tally {
	const rounds: Round[] = [];
	const running = new Set(options);
	for (;;) {
		const votes = new Map([...running].map((option) => [option, 0]));
		let exhausted = 0;
		for (const ballot of ballots) {
			const choice = ballot.find((option) => running.has(option));
			if (choice === undefined) exhausted++;
			else votes.set(choice, votes.get(choice)! + 1);
		}
		const counts = sorted(options, votes);
		const active = ballots.length - exhausted;
		const round: Round = { counts, exhausted, eliminated: [] };
		rounds.push(round);
		const finish = (winners: string[]): Tally => ({
			method: 'ranked',
			ballots: ballots.length,
			totals: counts,
			rounds,
			winners
		});
		if (active === 0) return finish([]);
		const top = counts[0]!;
		if (top.votes * 2 > active || counts.length === 1) return finish([top.option]);
		const fewest = counts.at(-1)!.votes;
		const last = counts.filter((count) => count.votes === fewest).map((count) => count.option);
		if (last.length === counts.length) return finish(last);
		round.eliminated = last;
		for (const option of last) running.delete(option);
	}
}
