// The ballot a phone's form sends, as the taps fill it (hidden fields) or a phone without JavaScript
// types it (a number field per option): the same fields, read the same way.
import { describe, expect, it } from 'vitest';
import { parseBallot } from './ballotForm';
import type { Vote } from '../votes';

const [A, B, C] = [
	'00000000-0000-4000-8000-00000000000a',
	'00000000-0000-4000-8000-00000000000b',
	'00000000-0000-4000-8000-00000000000c'
];
const OPTIONS = [A, B, C];
const VOTE_ID = '00000000-0000-4000-8000-000000000001';

function vote(method: Vote['method'], dots = 3, mayStack = true): Vote {
	const rules = {
		method,
		dots,
		mayStack,
		options: [],
		status: 'open' as const,
		winnerId: null,
		result: null
	};
	return { id: VOTE_ID, workshopId: VOTE_ID, subject: 'rallying_cry', runoffOf: null, ...rules };
}

function form(fields: Record<string, string>): FormData {
	const data = new FormData();
	data.set('vote', VOTE_ID);
	for (const [name, value] of Object.entries(fields)) data.set(name, value);
	return data;
}

describe('parseBallot', () => {
	it.each([
		['one choice', vote('single'), { choice: B }, [B]],
		['dots, stacked', vote('dot'), { [`dots-${A}`]: '2', [`dots-${C}`]: '1' }, [A, A, C]],
		['dots, with untouched options at 0', vote('dot'), { [`dots-${A}`]: '0', [`dots-${B}`]: '1' }, [B]],
		['dots, fewer than allowed', vote('dot', 3, false), { [`dots-${C}`]: '1' }, [C]],
		[
			'a full ranking',
			vote('ranked'),
			{ [`rank-${A}`]: '2', [`rank-${B}`]: '3', [`rank-${C}`]: '1' },
			[C, A, B]
		],
		['a partial ranking', vote('ranked'), { [`rank-${B}`]: '1' }, [B]],
		[
			'a ranking with a gap (no JavaScript)',
			vote('ranked'),
			{ [`rank-${A}`]: '1', [`rank-${B}`]: '', [`rank-${C}`]: '3' },
			[A, C]
		]
	])('%s', (_, rules, fields, choices) => {
		expect(parseBallot(form(fields), rules, OPTIONS)).toEqual({ ok: true, data: { choices, seq: null } });
	});

	it('carries the phone’s number for the ballot, and refuses one that is not a number', () => {
		const numbered = parseBallot(form({ choice: B, seq: '1764750000123' }), vote('single'), OPTIONS);
		expect(numbered).toEqual({ ok: true, data: { choices: [B], seq: 1764750000123 } });
		const garbled = parseBallot(form({ choice: B, seq: '-1' }), vote('single'), OPTIONS);
		expect(garbled).toMatchObject({ ok: false, errors: { seq: expect.stringContaining('Reload the page') } });
	});

	it.each([
		['no choice', vote('single'), {}, { choice: 'Choose one.' }],
		['an empty ballot', vote('dot'), { [`dots-${A}`]: '0' }, { form: 'Your ballot is empty.' }],
		[
			'more dots than the vote gives',
			vote('dot'),
			{ [`dots-${A}`]: '3', [`dots-${B}`]: '1' },
			{ form: 'That is 4 dots: you have 3 dots to place.' }
		],
		[
			'one dot too many, in the singular',
			vote('dot', 1, false),
			{ [`dots-${A}`]: '1', [`dots-${B}`]: '1' },
			{ form: 'That is 2 dots: you have 1 dot to place.' }
		],
		[
			'stacked where the vote does not allow it',
			vote('dot', 3, false),
			{ [`dots-${A}`]: '2' },
			{ [`dots-${A}`]: 'At most 1 here.' }
		],
		[
			'two options in one place',
			vote('ranked'),
			{ [`rank-${A}`]: '1', [`rank-${B}`]: '1' },
			{ form: 'Give each option a different number.' }
		],
		['a place past the last', vote('ranked'), { [`rank-${A}`]: '4' }, { [`rank-${A}`]: 'Rank from 1 to 3.' }],
		['an option not on the ballot', vote('single'), { choice: VOTE_ID }, { choice: 'Choose one.' }]
	])('refuses %s, saying why', (_, rules, fields, errors) => {
		const parsed = parseBallot(form(fields), rules, OPTIONS);
		expect(parsed.ok).toBe(false);
		if (!parsed.ok) expect(parsed.errors).toEqual(errors);
	});

	it('refuses a ballot meant for another vote', () => {
		const parsed = parseBallot(form({ choice: A }), { ...vote('single'), id: A }, OPTIONS);
		expect(parsed).toMatchObject({ ok: false, errors: { vote: 'This vote has closed; reload the page.' } });
	});
});
