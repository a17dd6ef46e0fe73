// The period an Insights page covers, and the one before it that trends are measured against.
// Days are calendar days (YYYY-MM-DD, UTC, as the library dates stories); both ends are included.

export interface InsightPeriod {
	from: string;
	to: string;
	/** The same number of days just before `from`. */
	previousFrom: string;
	previousTo: string;
	/** Every month the period touches, as YYYY-MM, oldest first. */
	months: string[];
}

const DAY_MS = 86_400_000;
/** With no dates chosen: this month and the eleven before it. */
const DEFAULT_MONTHS = 12;

const toDay = (date: Date) => date.toISOString().slice(0, 10);
const parseDay = (day: string) => new Date(`${day}T00:00:00Z`);
const addDays = (day: string, days: number) => toDay(new Date(parseDay(day).getTime() + days * DAY_MS));

/** The first day of the month `months` before the month of `day`. */
function monthStart(day: string, monthsBefore: number): string {
	const date = parseDay(day);
	return toDay(new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - monthsBefore, 1)));
}

function monthsBetween(from: string, to: string): string[] {
	const months: string[] = [];
	for (let month = monthStart(from, 0); month <= to; month = monthStart(month, -1)) {
		months.push(month.slice(0, 7));
	}
	return months;
}

/** The period for the dates a reader chose (either may be missing), as of `today`. */
export function insightPeriod(chosen: { from?: string; to?: string }, today: Date): InsightPeriod {
	let to = chosen.to ?? toDay(today);
	let from = chosen.from ?? monthStart(to, DEFAULT_MONTHS - 1);
	if (from > to) [from, to] = [to, from];
	const days = Math.round((parseDay(to).getTime() - parseDay(from).getTime()) / DAY_MS) + 1;
	const previousTo = addDays(from, -1);
	return {
		from,
		to,
		previousFrom: addDays(previousTo, 1 - days),
		previousTo,
		months: monthsBetween(from, to)
	};
}
