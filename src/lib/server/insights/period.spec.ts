import { describe, expect, it } from 'vitest';
import { insightPeriod } from './period';

const today = new Date('2026-12-03T15:00:00Z');

describe('insightPeriod', () => {
	it('covers this month and the eleven before it when no dates are chosen', () => {
		const period = insightPeriod({}, today);
		expect(period).toMatchObject({ from: '2026-01-01', to: '2026-12-03' });
		expect(period.months).toHaveLength(12);
		expect(period.months[0]).toBe('2026-01');
		expect(period.months.at(-1)).toBe('2026-12');
		// 337 days, then the 337 before them.
		expect(period).toMatchObject({ previousFrom: '2025-01-29', previousTo: '2025-12-31' });
	});

	it('measures the previous period with as many days, leap days included', () => {
		expect(insightPeriod({ from: '2024-03-01', to: '2024-03-31' }, today)).toMatchObject({
			previousFrom: '2024-01-30',
			previousTo: '2024-02-29',
			months: ['2024-03']
		});
	});

	it('fills a missing end, and puts dates given the wrong way round in order', () => {
		expect(insightPeriod({ from: '2026-11-15' }, today)).toMatchObject({
			from: '2026-11-15',
			to: '2026-12-03',
			months: ['2026-11', '2026-12']
		});
		expect(insightPeriod({ to: '2026-06-10' }, today)).toMatchObject({
			from: '2025-07-01',
			to: '2026-06-10'
		});
		expect(insightPeriod({ from: '2026-05-01', to: '2026-04-01' }, today)).toMatchObject({
			from: '2026-04-01',
			to: '2026-05-01',
			previousFrom: '2026-03-01',
			previousTo: '2026-03-31'
		});
	});

	it('counts a single day against the day before', () => {
		expect(insightPeriod({ from: '2026-01-01', to: '2026-01-01' }, today)).toMatchObject({
			previousFrom: '2025-12-31',
			previousTo: '2025-12-31'
		});
	});
});
