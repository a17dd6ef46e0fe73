// Counting votes: single choice, dot voting, and ranked choice by instant runoff. Pure and
// deterministic, so the server, the screen and the tests all count the same way. A tie for the win
// is never broken here: it is reported, and the facilitator breaks it (or runs a runoff among the
// tied). A tie for last place in a runoff round is settled here, by a rule anyone can check.

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
	/** The option eliminated at the end of this round (at most one; a list for older results). */
	eliminated: string[];
	/** How a tie for fewest was settled; absent when one option simply had fewest. */
	tieBreak?: 'earlier-rounds' | 'draw';
}

/** The instant-runoff rule in plain words, shown with the rounds. */
export const RUNOFF_RULE =
	'Each round, the option with the fewest votes is out and its ballots count for their next choice, until one option has more than half of the ballots still counting; a tie for fewest is settled by the earlier rounds (the one with fewer votes there goes), then by a draw that every recount repeats.';

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
	/** The options' words as they were when the result was frozen at the reveal; absent on a live count. */
	labels?: Record<string, string>;
}

/**
 * Counts `ballots` for `options`. Choices naming anything else are ignored; for single choice only
 * the first choice counts, and for ranked choice only an option's first mention. `seed` (the vote's
 * id) fixes the draw that settles a runoff tie no earlier round settles, so every count of the same
 * ballots agrees.
 */
export function tally(
	method: VoteMethod,
	options: readonly string[],
	ballots: readonly Ballot[],
	seed = ''
): Tally {
	const valid = new Set(options);
	const cleaned = ballots.map((ballot) => ballot.filter((choice) => valid.has(choice)));
	if (method === 'ranked') return instantRunoff(options, cleaned, seed);
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
 * running. An option with more than half of the ballots still counting wins. Otherwise exactly one
 * option is eliminated: the one with the fewest votes. When several tie for fewest, the earlier
 * rounds decide, latest first (the tied option with fewer votes there goes), and if they never
 * differed, a seeded draw. Eliminating one at a time matters: knocking out all joint-last options
 * at once can remove the option a majority preferred to the eventual winner. When every option
 * left has the same votes, eliminating any one would pick the winner by lot: that is a tie.
 */
function instantRunoff(options: readonly string[], ballots: string[][], seed: string): Tally {
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
		let out = last[0]!;
		if (last.length > 1) {
			const settled = settleLast(last, rounds.slice(0, -1), seed);
			out = settled.option;
			round.tieBreak = settled.by;
		}
		round.eliminated = [out];
		running.delete(out);
	}
}

/** Which of the options tied for fewest goes: the earlier rounds decide, latest first, then a draw. */
function settleLast(
	tied: string[],
	earlier: Round[],
	seed: string
): { option: string; by: NonNullable<Round['tieBreak']> } {
	let still = tied;
	for (let index = earlier.length - 1; index >= 0; index--) {
		const round = earlier[index]!;
		const votes = new Map(round.counts.map((count) => [count.option, count.votes]));
		const fewest = Math.min(...still.map((option) => votes.get(option)!));
		still = still.filter((option) => votes.get(option) === fewest);
		if (still.length === 1) return { option: still[0]!, by: 'earlier-rounds' };
	}
	return { option: drawOut(seed, earlier.length + 1, still), by: 'draw' };
}

/**
 * The draw for round `round` among `tied`: each option's number comes from a hash of the seed, the
 * round and the option, and the lowest goes: the same for every recount, whatever the ballots' order.
 */
export function drawOut(seed: string, round: number, tied: readonly string[]): string {
	let out = tied[0]!;
	let lowest = Infinity;
	for (const option of tied) {
		const number = hash(`${seed}\u0000${round}\u0000${option}`);
		if (number < lowest) [out, lowest] = [option, number];
	}
	return out;
}

/** cyrb53: a small, well-mixed 53-bit string hash (not cryptographic; it only has to be fair). */
function hash(text: string): number {
	let h1 = 0xdeadbeef;
	let h2 = 0x41c6ce57;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		h1 = Math.imul(h1 ^ code, 2654435761);
		h2 = Math.imul(h2 ^ code, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
