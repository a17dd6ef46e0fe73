import * as v from 'valibot';

// Postgres rejects NUL bytes and lone UTF-16 surrogates in text; catching them here turns what
// would be a 500 into a clear message on the form.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isStorableText(value: string): boolean {
	return !value.includes('\u0000') && !LONE_SURROGATE.test(value);
}

const CALENDAR_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** The years a day may fall in: Postgres stores far more, but a day outside is a typo or a probe. */
export const YEARS = { first: 1900, last: 2999 };

/** Whether `value` is a real day written YYYY-MM-DD (no 30 February) in a sane range of years. */
export function isCalendarDay(value: string): boolean {
	const match = CALENDAR_DAY.exec(value);
	if (!match) return false;
	const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
	if (year < YEARS.first || year > YEARS.last) return false;
	const date = new Date(Date.UTC(year, month - 1, day));
	return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A day as a date field sends it (YYYY-MM-DD), checked to be a real one. */
export const calendarDay = (message: string) => v.pipe(v.string(), v.check(isCalendarDay, message));

/** A whole number from `min` to `max` as a form field sends it; one message for every way it is wrong. */
export const wholeNumber = (min: number, max: number, message: string) =>
	v.pipe(
		v.string(),
		v.transform(Number),
		v.integer(message),
		v.minValue(min, message),
		v.maxValue(max, message)
	);

/** Trimmed text of `min`..`max` characters that Postgres can store. */
export function text(label: string, min: number, max: number) {
	return v.pipe(
		v.string(),
		v.trim(),
		v.check(isStorableText, `${label} contains characters that cannot be stored.`),
		v.minLength(min, min === 1 ? `${label} is required.` : `${label} needs at least ${min} characters.`),
		v.maxLength(max, `${label} can be at most ${max} characters.`)
	);
}

export const email = v.pipe(
	v.string(),
	v.trim(),
	v.toLowerCase(),
	v.check(isStorableText, 'Enter a valid e-mail address.'),
	v.maxLength(254, 'Enter a valid e-mail address.'),
	v.email('Enter a valid e-mail address.')
);

export const newPassword = v.pipe(
	v.string(),
	v.check(isStorableText, 'The password contains characters that cannot be used.'),
	v.minLength(10, 'Use at least 10 characters.'),
	v.maxLength(200, 'Use at most 200 characters.')
);

/**
 * The number a phone gives a replaceable answer (`$lib/sequence`), or null when it sent none (a
 * page without JavaScript): the database then numbers it by its own clock.
 */
export const answerSeq = v.pipe(
	v.optional(v.string(), ''),
	v.regex(/^\d{0,15}$/, 'This answer could not be read. Reload the page and send it again.'),
	v.transform((digits) => (digits ? Number(digits) : null))
);

export type FormErrors = Record<string, string>;
export type FormResult<T> =
	{ ok: true; data: T } | { ok: false; errors: FormErrors; values: Record<string, string> };

// Never echo these back into a page.
const SECRET_FIELDS = new Set(['password', 'password_confirm']);

/**
 * Validates a form post against an object schema. Unknown fields, repeated fields and file uploads
 * are refused (no mass assignment); the message for each field is ready to show beside it.
 */
export function parseForm<TEntries extends v.ObjectEntries>(
	form: FormData,
	schema: v.ObjectSchema<TEntries, undefined>
): FormResult<v.InferOutput<v.ObjectSchema<TEntries, undefined>>> {
	const raw: Record<string, string> = {};
	const errors: FormErrors = {};
	for (const [key, value] of form) {
		if (!(key in schema.entries)) errors.form = `Unexpected field “${key.slice(0, 40)}”.`;
		else if (typeof value !== 'string') errors[key] = 'Files cannot be sent here.';
		else if (key in raw) errors[key] = 'This field was sent twice.';
		else raw[key] = value;
	}
	const values = Object.fromEntries(Object.entries(raw).filter(([key]) => !SECRET_FIELDS.has(key)));
	if (Object.keys(errors).length) return { ok: false, errors, values };

	const result = v.safeParse(schema, raw);
	if (result.success) return { ok: true, data: result.output };
	for (const issue of result.issues) {
		const key = issue.path?.[0]?.key;
		const field = typeof key === 'string' ? key : 'form';
		errors[field] ??= issue.input === undefined ? 'This field is required.' : issue.message;
	}
	return { ok: false, errors, values };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A row id as the database writes it (links and forms carry them). */
export const isUuid = (value: string | null | undefined): value is string => !!value && UUID.test(value);
