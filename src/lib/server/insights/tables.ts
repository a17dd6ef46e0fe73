// Each Insights figure as a table: the page shows it behind a toggle, and the CSV download is the
// same table, so what a leader reads and what they take away never differ.
import { KINDS } from '$lib/stories';
import { MOOD_WORDS } from '$lib/stages';
import { teamName, trend, type DataTable } from '$lib/insights';
import { csvCell } from '../libraryExport';
import type { Insights } from './read';

export const SECTIONS = ['stories', 'themes', 'obstacles', 'moods', 'outcomes', 'actions'] as const;
export type Section = (typeof SECTIONS)[number];

export function insightTable(insights: Insights, section: Section): DataTable {
	switch (section) {
		case 'stories':
			return {
				columns: ['Month', 'Team', KINDS.good.label, KINDS.bad.label],
				rows: [
					...insights.stories.months.map((m) => [m.month, 'All teams', m.good, m.bad]),
					...insights.stories.teams.flatMap((team) =>
						team.months.map((m) => [m.month, teamName(team.team), m.good, m.bad])
					)
				]
			};
		case 'themes':
			return {
				columns: ['Theme', 'Stories', 'Stories in the period before', 'Change'],
				rows: insights.themes.map((t) => [t.theme, t.stories, t.previous, trend(t.stories, t.previous).words])
			};
		case 'obstacles':
			return {
				columns: ['Obstacle', 'Workshops', 'Times named', 'Dots', 'Actions', 'Named in'],
				rows: insights.obstacles.map((o) => [
					o.text,
					o.workshopCount,
					o.mentions,
					o.dots,
					o.actions,
					o.workshops.map((w) => w.title).join('; ') +
						(o.workshopCount > o.workshops.length ? `; and ${o.workshopCount - o.workshops.length} more` : '')
				])
			};
		case 'moods':
			return {
				columns: [
					'Workshop',
					'Team',
					'Ended',
					...MOOD_WORDS.map((word, i) => `${i + 1} ${word}`),
					'People',
					'Average'
				],
				rows: insights.moods.map((m) => [
					m.title,
					teamName(m.teamName),
					m.endedOn,
					...m.counts,
					m.people,
					m.average
				])
			};
		case 'outcomes':
			return {
				columns: ['Ended', 'Workshop', 'Team', 'Vision statement', 'Rallying cry', 'Personal visions shared'],
				rows: insights.outcomes.map((o) => [
					o.endedOn,
					o.title,
					teamName(o.teamName),
					o.vision,
					o.rallyingCry,
					o.sharedVisions
				])
			};
		case 'actions':
			return {
				columns: ['Team', 'Done', 'Open', 'Overdue', 'Dropped'],
				rows: insights.actions.map((a) => [teamName(a.team), a.done, a.open, a.overdue, a.dropped])
			};
	}
}

/** The table as CSV, with a byte-order mark so spreadsheets read it as UTF-8. */
export function tableCsv(table: DataTable): string {
	const lines = [table.columns, ...table.rows].map((row) => row.map(csvCell).join(','));
	return `\uFEFF${lines.join('\r\n')}\r\n`;
}
