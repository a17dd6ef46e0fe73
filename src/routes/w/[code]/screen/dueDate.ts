import { shortDate } from '$lib/dates';

/** An action's due date (YYYY-MM-DD) as the room reads it ("1 Feb 2027"), on the day it was given. */
export function dueDate(day: string): string {
	const [year, month, date] = day.split('-').map(Number);
	return shortDate(new Date(year!, month! - 1, date)); // local midnight: no time zone shifts the day
}
