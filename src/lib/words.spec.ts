import { describe, expect, it } from 'vitest';
import { plural, pluralWord, sentence } from './words';

describe('plural', () => {
	it.each([
		[0, '0 dots'],
		[1, '1 dot'],
		[2, '2 dots'],
		[1200, '1,200 dots']
	])('%i → %s', (count, words) => {
		expect(plural(count, 'dot', 'dots')).toBe(words);
	});

	it('picks the word alone, by the locale’s rules', () => {
		expect(pluralWord(1, 'person has', 'people have')).toBe('person has');
		expect(pluralWord(3, 'person has', 'people have')).toBe('people have');
		// French counts 0 and 1 as singular.
		expect(pluralWord(0, 'point', 'points', 'fr')).toBe('point');
		expect(plural(1200, 'point', 'points', 'fr')).toBe('1\u202f200 points');
	});
});

describe('sentence', () => {
	it.each([
		['Thank you, Ana', 'Thank you, Ana.'],
		['Thank you, Ana B.', 'Thank you, Ana B.'],
		["You're in, Sam!", "You're in, Sam!"],
		['He said “go”.', 'He said “go”.'],
		['Is it (really?)', 'Is it (really?)']
	])('%s → %s', (text, ended) => {
		expect(sentence(text)).toBe(ended);
	});
});
