import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tally, type Ballot, type VoteMethod } from './tally';

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

	it('eliminates everyone tied for fewest at once, and reports a final tie as a tie', () => {
		const ballots = [['a'], ['a'], ['b'], ['b'], ['c', 'a'], ['d', 'b']];
		const result = tally('ranked', ['a', 'b', 'c', 'd'], ballots);
		expect(result.rounds[0]!.eliminated).toEqual(['c', 'd']);
		expect(result.rounds[1]!.counts).toEqual([
			{ option: 'a', votes: 3 },
			{ option: 'b', votes: 3 }
		]);
		expect(result.winners).toEqual(['a', 'b']);
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

describe('properties', () => {
	it('permuting the order of the ballots never changes the result', () => {
		fc.assert(
			fc.property(method, options, ballots, fc.infiniteStream(fc.nat()), (m, o, b, seeds) => {
				const shuffled = b
					.map((ballot) => ({ ballot, key: seeds.next().value }))
					.sort((x, y) => x.key - y.key)
					.map(({ ballot }) => ballot);
				expect(tally(m, o, shuffled)).toEqual(tally(m, o, b));
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
