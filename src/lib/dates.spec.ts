import { describe, expect, it } from 'vitest';
import { formatDate, longDate, shortDate } from './dates';

describe('dates in the organisation’s locale', () => {
	it.each([
		['en-GB', 'short', '4 Mar 2026'],
		['en-GB', 'long', '4 March 2026'],
		['en-US', 'short', 'Mar 4, 2026'],
		['fr-FR', 'long', '4 mars 2026'],
		['de-DE', 'long', '4. März 2026']
	] as const)('%s %s: %s', (locale, style, words) => {
		expect(formatDate('2026-03-04', locale, style)).toBe(words);
	});

	it('reads a calendar day as the same day in every time zone', () => {
		expect(shortDate('2026-12-31', 'en-GB')).toBe('31 Dec 2026');
		expect(shortDate('2026-01-01', 'en-GB')).toBe('1 Jan 2026');
	});

	it('formats moments too, and defaults to British English', () => {
		expect(longDate(new Date(2026, 2, 4, 12))).toBe('4 March 2026');
	});
});
