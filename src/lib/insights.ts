// Words and shapes the Insights page and its downloads share.

export const NO_TEAM = 'No team';

/** Workshops whose moods the page draws, and whose outcomes it lists: the newest (the CSV has all). */
export const MOODS_SHOWN = 20;
export const OUTCOMES_SHOWN = 12;
/** Workshops the page links from each recurring obstacle: the newest (the CSV names them all). */
export const OBSTACLE_WORKSHOPS_LISTED = 6;
export const teamName = (team: string | null): string => team ?? NO_TEAM;

export type Cell = string | number | null;
/** One figure's numbers: the page's "Show the data" table, and its CSV download. */
export interface DataTable {
	columns: string[];
	rows: Cell[][];
}

/** How a count moved against the period before: an arrow, the figure ("+3", "−2", "new"), and words. */
export function trend(now: number, before: number): { icon: string; text: string; words: string } {
	if (before === 0) return now > 0 ? { icon: '✦', text: 'new', words: 'new this period' } : same;
	const difference = now - before;
	if (difference > 0)
		return { icon: '▲', text: `+${difference}`, words: `up ${difference} on the period before` };
	if (difference < 0)
		return { icon: '▼', text: `−${-difference}`, words: `down ${-difference} on the period before` };
	return same;
}
const same = { icon: '●', text: '0', words: 'as many as the period before' };
