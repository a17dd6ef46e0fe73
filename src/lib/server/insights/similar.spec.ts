import { describe, expect, it } from 'vitest';
import { groupSimilar, normalise, similarity, trigrams } from './similar';

const texts = (groups: { text: string }[][]) => groups.map((group) => group.map((item) => item.text));

describe('normalise', () => {
	it('keeps the words that carry the meaning, whatever their case, accents, order or plural', () => {
		expect(normalise('Slow hand-offs between teams!')).toBe('between handoff slow team');
		expect(normalise('Hand-offs between the teams are SLOW')).toBe('between handoff slow team');
		expect(normalise('Café systèmes crash')).toBe('cafe crash systeme');
		expect(normalise('Process and access')).toBe('access process');
		expect(normalise('We don’t call back')).toBe('back call dont');
		expect(normalise('   ')).toBe('');
	});
});

describe('similarity', () => {
	it('is pg_trgm’s: shared trigrams over all of them', () => {
		// As pg_trgm: similarity('word', 'words') = 0.571429 (4 shared of 7).
		expect(similarity(trigrams('word'), trigrams('words'))).toBeCloseTo(4 / 7);
		expect(similarity(trigrams('cat'), trigrams('cat'))).toBe(1);
		expect(similarity(trigrams('cat'), trigrams('dog'))).toBe(0);
		expect(similarity(trigrams(''), trigrams(''))).toBe(0);
	});
});

describe('groupSimilar', () => {
	it('puts rewordings of one obstacle together and keeps different obstacles apart', () => {
		const groups = groupSimilar(
			[
				'Slow hand-offs between teams',
				'IT systems crash at month end',
				'Handoffs between teams are slow',
				'No time to call customers back',
				'slow handoffs between teams',
				'No time to call back customers',
				'Too many approvals for refunds',
				'Systems crash at month-end'
			].map((text) => ({ text }))
		);
		expect(texts(groups)).toEqual([
			['Slow hand-offs between teams', 'Handoffs between teams are slow', 'slow handoffs between teams'],
			['No time to call customers back', 'No time to call back customers'],
			// Said once each: alphabetically by their words ("approval many refund" first).
			['Too many approvals for refunds'],
			['IT systems crash at month end', 'Systems crash at month-end']
		]);
	});

	it('leaves nothing out and groups nothing when all differ', () => {
		const items = ['Billing errors', 'Long queues', 'Rude callers'].map((text) => ({ text }));
		expect(groupSimilar(items)).toHaveLength(3);
		expect(groupSimilar([])).toEqual([]);
	});
});
