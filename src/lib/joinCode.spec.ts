import { describe, expect, it } from 'vitest';
import { JOIN_CODE_ALPHABET, generateJoinCode, normaliseJoinCode } from './joinCode';

describe('join codes', () => {
	it('never contains look-alike characters', () => {
		for (const ambiguous of ['0', 'O', '1', 'I', 'L']) expect(JOIN_CODE_ALPHABET).not.toContain(ambiguous);
	});

	it('draws six characters from the alphabet', () => {
		let i = 0;
		const code = generateJoinCode((n) => i++ % n);
		expect(code).toBe('ABCDEF');
		const random = generateJoinCode((n) => Math.floor(Math.random() * n));
		expect(random).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{6}$/);
	});

	it.each([
		['demo42', 'DEMO42'],
		['DEM042', 'DEMO42'],
		[' ab c-d2 3', 'ABCD23'],
		['l1x999', 'LIX999'],
		['ABCDE', null],
		['ABCDEFG', null],
		['ABC$EF', null],
		['', null]
	])('reads %j as %j', (typed, expected) => {
		expect(normaliseJoinCode(typed)).toBe(expected);
	});
});
