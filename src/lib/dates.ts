// Dates as the pages show them, in the organisation's locale ("4 Mar 2026", "Mar 4, 2026"). One
// formatter per locale and style: building one per call is slow.
import { DEFAULT_LOCALE } from './locales';

type Style = 'short' | 'long';
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, style: Style, utc: boolean): Intl.DateTimeFormat {
	const key = `${locale}|${style}|${utc}`;
	let format = formatters.get(key);
	if (!format) {
		format = new Intl.DateTimeFormat(locale, {
			day: 'numeric',
			month: style,
			year: 'numeric',
			...(utc ? { timeZone: 'UTC' } : {})
		});
		formatters.set(key, format);
	}
	return format;
}

/**
 * A moment (a Date) or a calendar day ('YYYY-MM-DD', such as an action's due date, which is the
 * same day everywhere and so is read in UTC).
 */
export function formatDate(
	value: Date | string,
	locale: string = DEFAULT_LOCALE,
	style: Style = 'short'
): string {
	if (typeof value === 'string') return formatter(locale, style, true).format(new Date(`${value}T00:00:00Z`));
	return formatter(locale, style, false).format(value);
}

export const shortDate = (date: Date | string, locale?: string): string => formatDate(date, locale, 'short');
export const longDate = (date: Date | string, locale?: string): string => formatDate(date, locale, 'long');
