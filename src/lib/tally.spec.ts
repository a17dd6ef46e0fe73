import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawOut, tally, type Ballot, type Round, type VoteMethod } from './tally';

const OPTIONS = ['a', 'b', 'c', 'd', 'e'];
const repeat = (times: number, ballot: Ballot): Ballot[] => Array.from({ length: times }, () => ballot);

describe('single choice', () => {
	it('counts first choices only and ignores options not on the ballot paper', () => {
		const result = tally('single', ['a', 'b', 'c'], [['a'], ['b', 'a'], ['a'], ['zzz'], ['c']]);
		expect(result.totals).toEqual([
			{ option: 'a', votes: 2 },
			{ option: 'b', votes: 1 },
			{ option: 'c', votes: 1 }
		]);
		expect(result.winners).toEqual(['a']);
		expect(result.ballots).toBe(5);
	});

	it('reports a tie as a tie, in the options’ order', () => {
		expect(tally('single', ['a', 'b', 'c'], [['c'], ['a'], ['b']]).winners).toEqual(['a', 'b', 'c']);
	});

	it('has no winner when nobody voted', () => {
		expect(tally('single', ['a', 'b'], []).winners).toEqual([]);
	});
});

describe('dot voting', () => {
	it('counts every dot, stacked dots included', () => {
		const result = tally('dot', ['a', 'b', 'c'], [['a', 'a', 'b'], ['b', 'c', 'b'], ['c']]);
		expect(result.totals).toEqual([
			{ option: 'b', votes: 3 },
			{ option: 'a', votes: 2 },
			{ option: 'c', votes: 2 }
		]);
		expect(result.winners).toEqual(['b']);
	});
});

describe('ranked choice (instant runoff)', () => {
	it('elects the later preferences’ favourite over the plurality leader, round by round', () => {
		const ballots = [
			...repeat(8, ['a', 'b', 'c']),
			...repeat(5, ['b', 'c', 'a']),
			...repeat(4, ['c', 'b', 'a'])
		];
		const result = tally('ranked', ['a', 'b', 'c'], ballots);
		expect(result.rounds).toEqual([
			{
				counts: [
					{ option: 'a', votes: 8 },
					{ option: 'b', votes: 5 },
					{ option: 'c', votes: 4 }
				],
				exhausted: 0,
				eliminated: ['c']
			},
			{
				counts: [
					{ option: 'b', votes: 9 },
					{ option: 'a', votes: 8 }
				],
				exhausted: 0,
				eliminated: []
			}
		]);
		expect(result.winners).toEqual(['b']);
	});

	it('sets exhausted ballots aside and needs a majority of those still counting', () => {
		// a has 5 of 10, not a majority. c goes; one of its ballots names b, the other nobody else,
		// so 9 ballots still count and a's 5 are a majority of them.
		const ballots = [...repeat(5, ['a']), ...repeat(3, ['b']), ['c', 'zzz'], ['c', 'b']];
		const result = tally('ranked', ['a', 'b', 'c'], ballots);
		expect(result.rounds.map((round) => round.exhausted)).toEqual([0, 1]);
		expect(result.rounds[1]!.counts).toEqual([
			{ option: 'a', votes: 5 },
			{ option: 'b', votes: 4 }
		]);
		expect(result.winners).toEqual(['a']);
	});

	it('eliminates one option per round; a tie for fewest goes to the one with fewer votes in an earlier round', () => {
		// Round 1: d has fewest and goes; its ballot moves to c. Round 2: b and c tie for fewest; in
		// round 1 c had fewer, so c goes. Round 3: a has a majority.
		const ballots = [...repeat(4, ['a']), ...repeat(3, ['b']), ...repeat(2, ['c', 'a']), ['d', 'c', 'b']];
		const result = tally('ranked', ['a', 'b', 'c', 'd'], ballots, 'vote-1');
		expect(result.rounds.map((round) => [round.eliminated, round.tieBreak])).toEqual([
			[['d'], undefined],
			[['c'], 'earlier-rounds'],
			[[], undefined]
		]);
		expect('tieBreak' in result.rounds[0]!).toBe(false);
		expect(result.rounds[1]!.counts).toEqual([
			{ option: 'a', votes: 4 },
			{ option: 'b', votes: 3 },
			{ option: 'c', votes: 3 }
		]);
		expect(result.winners).toEqual(['a']);
	});

	it('looks back from the latest earlier round: there, not in the first round, the tied differed last', () => {
		// Round 1: x goes (both its ballots move to c). Round 2: y goes (two ballots to d, one to c).
		// Round 3: c and d tie at 6. In round 2 d had fewer (4 against 5) — though in round 1 c had
		// fewer (3 against 4) — so d goes.
		const ballots = [
			...repeat(10, ['a']),
			...repeat(9, ['b']),
			...repeat(3, ['c']),
			...repeat(4, ['d']),
			...repeat(2, ['x', 'c']),
			...repeat(2, ['y', 'd']),
			['y', 'c']
		];
		const result = tally('ranked', ['a', 'b', 'c', 'd', 'x', 'y'], ballots);
		expect(result.rounds.map((round) => [round.eliminated, round.tieBreak])).toEqual([
			[['x'], undefined],
			[['y'], undefined],
			[['d'], 'earlier-rounds'],
			[['c'], undefined],
			[[], undefined]
		]);
		expect(result.rounds[2]!.counts.slice(-2)).toEqual([
			{ option: 'c', votes: 6 },
			{ option: 'd', votes: 6 }
		]);
		expect(result.winners).toEqual(['a']);
	});

	it('looks further back while the tied were level', () => {
		// Round 3: c and d tie at 4; in round 2 they were level (3 and 3), in round 1 d had fewer.
		const ballots = [
			...repeat(9, ['a']),
			...repeat(8, ['b']),
			...repeat(3, ['c']),
			...repeat(2, ['d']),
			['e', 'c'],
			['e', 'd'],
			['f', 'd']
		];
		const third = tally('ranked', ['a', 'b', 'c', 'd', 'e', 'f'], ballots).rounds[2]!;
		expect(third.counts.slice(-2)).toEqual([
			{ option: 'c', votes: 4 },
			{ option: 'd', votes: 4 }
		]);
		expect([third.eliminated, third.tieBreak]).toEqual([['d'], 'earlier-rounds']);
	});

	it('settles a tie no earlier round settles by a draw fixed by the seed: the same every time', () => {
		// Round 1: c and d tie for fewest with no earlier round to look back on.
		const ballots = [...repeat(3, ['a']), ...repeat(3, ['b']), ['c', 'a'], ['d', 'b']];
		const count = (seed: string) => tally('ranked', ['a', 'b', 'c', 'd'], ballots, seed);
		const first = count('vote-7').rounds[0]!;
		expect(first.tieBreak).toBe('draw');
		expect(first.eliminated).toEqual([drawOut('vote-7', 1, ['c', 'd'])]);
		expect(count('vote-7')).toEqual(count('vote-7'));
		expect(count('vote-7')).toEqual(tally('ranked', ['a', 'b', 'c', 'd'], ballots.toReversed(), 'vote-7'));
		// Another vote's seed may draw the other way: the draw is not always the first in line.
		const drawn = new Set(Array.from({ length: 20 }, (_, i) => count(`vote-${i}`).rounds[0]!.eliminated[0]));
		expect(drawn).toEqual(new Set(['c', 'd']));
	});

	it('no longer eliminates the joint-last together, which handed the win to a majority’s lower choice', () => {
		// c and d tie for last. Knocking both out at once exhausts their ballots and a wins with 5 of
		// 9, though 10 of the 15 voters ranked c or d above a. One at a time, c or d wins.
		const ballots = [
			...repeat(5, ['a']),
			...repeat(4, ['b', 'c', 'd']),
			...repeat(3, ['c', 'd']),
			...repeat(3, ['d', 'c'])
		];
		const result = tally('ranked', ['a', 'b', 'c', 'd'], ballots, 'any seed');
		expect(result.rounds.every((round) => round.eliminated.length <= 1)).toBe(true);
		expect(['c', 'd']).toContain(result.winners[0]);
		expect(result.winners).toHaveLength(1);
		expect(result.totals[0]!.votes).toBe(10);
	});

	it('reports a tie for the win when every option left has the same votes', () => {
		const two = tally('ranked', ['a', 'b'], [['a'], ['b'], ['a', 'b'], ['b', 'a']]);
		expect(two.winners).toEqual(['a', 'b']);
		expect(two.rounds).toHaveLength(1);
		// d goes first; then a, b and c tie at 2 each: eliminating one would choose the winner by lot.
		const three = tally(
			'ranked',
			['a', 'b', 'c', 'd'],
			[...repeat(2, ['a']), ...repeat(2, ['b']), ...repeat(2, ['c']), ['d']]
		);
		expect(three.rounds.map((round) => round.eliminated)).toEqual([['d'], []]);
		expect(three.winners).toEqual(['a', 'b', 'c']);
	});

	it('has no winner when every ballot is empty', () => {
		expect(tally('ranked', ['a', 'b'], [[], ['zzz']]).winners).toEqual([]);
	});
});

// Properties ----------------------------------------------------------------------------------------

const method = fc.constantFrom<VoteMethod>('single', 'dot', 'ranked');
const options = fc.uniqueArray(fc.constantFrom(...OPTIONS), { minLength: 1, maxLength: OPTIONS.length });
/** Ballots naming the options (and now and then something else), in any order, with repeats. */
const ballots = fc.array(fc.array(fc.constantFrom(...OPTIONS, 'stray'), { maxLength: 6 }), { maxLength: 60 });

/**
 * The instant-runoff rule written out again the long way, separately from tally.ts, to check it
 * against: a table of every round's votes, the tied looked up in it from the latest round back.
 * Only the draw itself (a definition, not the rule) is shared.
 */
function referenceRunoff(
	options: string[],
	ballots: Ballot[],
	seed: string
): { winners: string[]; rounds: Round[] } {
	const preferences = ballots.map((ballot) => {
		const seen: string[] = [];
		for (const choice of ballot) if (options.includes(choice) && !seen.includes(choice)) seen.push(choice);
		return seen;
	});
	let remaining = [...options];
	const history: Record<string, number>[] = [];
	const rounds: Round[] = [];
	for (;;) {
		const votes: Record<string, number> = Object.fromEntries(remaining.map((option) => [option, 0]));
		let exhausted = 0;
		for (const ranking of preferences) {
			const first = ranking.filter((choice) => remaining.includes(choice))[0];
			if (first === undefined) exhausted += 1;
			else votes[first]! += 1;
		}
		history.push(votes);
		const counts = [...remaining]
			.sort((x, y) => votes[y]! - votes[x]! || options.indexOf(x) - options.indexOf(y))
			.map((option) => ({ option, votes: votes[option]! }));
		const round: Round = { counts, exhausted, eliminated: [] };
		rounds.push(round);
		const stillCounting = preferences.length - exhausted;
		if (stillCounting === 0) return { winners: [], rounds };
		const most = counts[0]!.votes;
		const least = counts[counts.length - 1]!.votes;
		if (remaining.length === 1 || most * 2 > stillCounting) return { winners: [counts[0]!.option], rounds };
		if (most === least) return { winners: counts.map((count) => count.option), rounds };
		let candidates = remaining.filter((option) => votes[option] === least);
		if (candidates.length > 1) {
			for (let back = history.length - 2; back >= 0 && candidates.length > 1; back--) {
				const then = history[back]!;
				const lowest = Math.min(...candidates.map((option) => then[option]!));
				candidates = candidates.filter((option) => then[option] === lowest);
			}
			round.tieBreak = candidates.length === 1 ? 'earlier-rounds' : 'draw';
			if (candidates.length > 1) candidates = [drawOut(seed, history.length, candidates)];
		}
		round.eliminated = [candidates[0]!];
		remaining = remaining.filter((option) => option !== candidates[0]);
	}
}

const seed = fc.string({ maxLength: 12 });
/** Few ballots over few options: ties for last, and ties in earlier rounds, are common. */
const tieProneBallots = fc.array(fc.array(fc.constantFrom(...OPTIONS), { maxLength: 4 }), { maxLength: 12 });
/** Longer rankings over many rounds: ties for last that an earlier round settles. */
const longRankings = fc.array(fc.array(fc.constantFrom(...OPTIONS), { minLength: 1, maxLength: 5 }), {
	minLength: 10,
	maxLength: 24
});
/** Eight options, so runoffs run long enough for the earlier rounds to disagree with each other. */
const EIGHT = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const eightWay = fc.tuple(
	fc.constant(EIGHT),
	fc.array(fc.array(fc.constantFrom(...EIGHT), { minLength: 1, maxLength: 4 }), {
		minLength: 10,
		maxLength: 30
	})
);
const runoffCase = fc.oneof(fc.tuple(options, fc.oneof(ballots, tieProneBallots, longRankings)), eightWay);

describe('properties', () => {
	it('permuting the order of the ballots never changes the result', () => {
		fc.assert(
			fc.property(method, options, ballots, seed, fc.infiniteStream(fc.nat()), (m, o, b, s, seeds) => {
				const shuffled = b
					.map((ballot) => ({ ballot, key: seeds.next().value }))
					.sort((x, y) => x.key - y.key)
					.map(({ ballot }) => ballot);
				expect(tally(m, o, shuffled, s)).toEqual(tally(m, o, b, s));
			})
		);
	});

	it('instant runoff gives the same winners and the same rounds as the reference, on any ballots', () => {
		const settled = { 'earlier-rounds': 0, draw: 0 };
		fc.assert(
			fc.property(runoffCase, seed, ([o, b], s) => {
				const { winners, rounds } = tally('ranked', o, b, s);
				expect({ winners, rounds }).toEqual(referenceRunoff(o, b, s));
				for (const round of rounds) if (round.tieBreak) settled[round.tieBreak]++;
			}),
			{ numRuns: 1000 }
		);
		// The runs reached both ways of settling a tie for last, many times over.
		expect(settled['earlier-rounds']).toBeGreaterThan(20);
		expect(settled.draw).toBeGreaterThan(20);
	});

	it('each runoff round eliminates at most one option, and says how only when there was a tie for fewest', () => {
		fc.assert(
			fc.property(options, fc.oneof(tieProneBallots, longRankings), seed, (o, b, s) => {
				for (const round of tally('ranked', o, b, s).rounds) {
					expect(round.eliminated.length).toBeLessThanOrEqual(1);
					const fewest = round.counts.at(-1)?.votes;
					const tiedLast = round.counts.filter((count) => count.votes === fewest).length;
					if (round.eliminated.length === 0) expect(round.tieBreak).toBeUndefined();
					else {
						expect(round.counts.find((count) => count.option === round.eliminated[0])?.votes).toBe(fewest);
						expect(round.tieBreak !== undefined).toBe(tiedLast > 1);
					}
				}
			})
		);
	});

	it('no round counts more votes than ballots cast (ranked: each ballot once, or exhausted)', () => {
		fc.assert(
			fc.property(options, ballots, (o, b) => {
				for (const round of tally('ranked', o, b).rounds) {
					const counted = round.counts.reduce((sum, count) => sum + count.votes, 0);
					expect(counted + round.exhausted).toBe(b.length);
				}
			})
		);
	});

	it('a candidate with a majority of first preferences wins the instant runoff outright', () => {
		fc.assert(
			fc.property(options, ballots, fc.nat(), (o, rest, pick) => {
				const favourite = o[pick % o.length]!;
				// Put the favourite first on more than half of all ballots.
				const others = rest.filter((ballot) => ballot[0] !== favourite);
				const backing = repeat(others.length + 1, [favourite]);
				const result = tally('ranked', o, [...backing, ...others]);
				expect(result.winners).toEqual([favourite]);
				expect(result.rounds).toHaveLength(1);
			})
		);
	});

	it('each round continues with fewer options, and exhausted ballots only grow', () => {
		fc.assert(
			fc.property(options, ballots, (o, b) => {
				const rounds = tally('ranked', o, b).rounds;
				for (let i = 1; i < rounds.length; i++) {
					expect(rounds[i]!.counts.length).toBeLessThan(rounds[i - 1]!.counts.length);
					expect(rounds[i]!.exhausted).toBeGreaterThanOrEqual(rounds[i - 1]!.exhausted);
					const left = new Set(rounds[i]!.counts.map((count) => count.option));
					expect(rounds[i - 1]!.eliminated.some((option) => left.has(option))).toBe(false);
				}
			})
		);
	});

	it('winners are options with the most votes in the final count, and ties are all reported', () => {
		fc.assert(
			fc.property(method, options, ballots, (m, o, b) => {
				const { totals, winners } = tally(m, o, b);
				const top = Math.max(0, ...totals.map((count) => count.votes));
				const expected =
					top === 0 ? [] : totals.filter((count) => count.votes === top).map((count) => count.option);
				expect(winners).toEqual(expected);
			})
		);
	});

	it('single and dot totals add up to the valid choices counted', () => {
		fc.assert(
			fc.property(options, ballots, (o, b) => {
				const valid = (ballot: Ballot) => ballot.filter((choice) => o.includes(choice));
				const sum = (m: VoteMethod) => tally(m, o, b).totals.reduce((total, count) => total + count.votes, 0);
				expect(sum('dot')).toBe(b.reduce((total, ballot) => total + valid(ballot).length, 0));
				expect(sum('single')).toBe(b.filter((ballot) => valid(ballot).length > 0).length);
			})
		);
	});
});
