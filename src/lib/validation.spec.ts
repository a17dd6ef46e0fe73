import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
	email,
	isCalendarDay,
	isStorableText,
	newPassword,
	parseForm,
	text,
	wholeNumber
} from './validation';

const schema = v.object({ name: text('Name', 1, 10), email, password: newPassword });

function form(entries: [string, string | Blob][]) {
	const data = new FormData();
	for (const [key, value] of entries) data.append(key, value);
	return data;
}

describe('storable text', () => {
	it.each([
		['plain', true],
		['emoji 🎉 pair', true],
		['nul \u0000 byte', false],
		['lone high \uD83D surrogate', false],
		['lone low \uDE00 surrogate', false]
	])('%j → %s', (value, ok) => expect(isStorableText(value)).toBe(ok));
});

describe('calendar days', () => {
	it.each(['2024-02-29', '2026-12-31', '1900-01-01', '2999-12-31'])('%s is a real day', (day) => {
		expect(isCalendarDay(day)).toBe(true);
	});
	it.each([
		'2024-02-30',
		'2023-02-29',
		'2024-04-31',
		'2024-13-01',
		'2024-00-10',
		'0000-01-01',
		'1899-12-31',
		'3000-01-01',
		'2024-2-3',
		'2024-02-03T00:00',
		''
	])('%s is refused', (day) => {
		expect(isCalendarDay(day)).toBe(false);
	});
});

describe('whole numbers', () => {
	it('keeps numbers in range and refuses the rest with one message', () => {
		const version = wholeNumber(1, 100, 'Unknown version.');
		expect(v.parse(version, '7')).toBe(7);
		for (const wrong of ['0', '101', '1.5', '1e400', 'NaN', '99999999999', 'x']) {
			const result = v.safeParse(version, wrong);
			expect(result.success || result.issues[0].message).toBe('Unknown version.');
		}
	});
});

describe('parseForm', () => {
	const good: [string, string][] = [
		['name', '  Ana '],
		['email', 'Ana@Example.COM'],
		['password', 'long enough password']
	];

	it('trims, lower-cases and returns typed data', () => {
		const result = parseForm(form(good), schema);
		expect(result).toEqual({
			ok: true,
			data: { name: 'Ana', email: 'ana@example.com', password: 'long enough password' }
		});
	});

	it('reports a message per field and never echoes the password', () => {
		const result = parseForm(
			form([
				['name', ''],
				['email', 'nope'],
				['password', 'short']
			]),
			schema
		);
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.errors).toEqual({
			name: 'Name is required.',
			email: 'Enter a valid e-mail address.',
			password: 'Use at least 10 characters.'
		});
		expect(result.values).toEqual({ name: '', email: 'nope' });
	});

	it('refuses unknown, repeated, missing and file fields', () => {
		const unknown = parseForm(form([...good, ['role', 'owner']]), schema);
		expect(unknown.ok || unknown.errors.form).toBe('Unexpected field “role”.');
		const twice = parseForm(form([...good, ['name', 'Bob']]), schema);
		expect(twice.ok || twice.errors.name).toBe('This field was sent twice.');
		const missing = parseForm(form(good.slice(0, 2)), schema);
		expect(missing.ok || missing.errors.password).toBe('This field is required.');
		const file = parseForm(form([['name', new Blob(['x'])], ...good.slice(1)]), schema);
		expect(file.ok || file.errors.name).toBe('Files cannot be sent here.');
	});

	it('refuses NUL bytes and lone surrogates with a message', () => {
		const result = parseForm(form([['name', 'a\u0000b'], ...good.slice(1)]), schema);
		expect(result.ok || result.errors.name).toBe('Name contains characters that cannot be stored.');
	});
});
