// The library's exports: a filtered selection as CSV (for spreadsheets) or Markdown (for reading and
// sharing). Both carry the stories as their authors wrote them, with "Anonymous" where they chose so.
import { KINDS, PERSPECTIVES } from '$lib/stories';
import { plural } from '$lib/words';
import type { ExportedStory } from './library';

const day = (date: Date) => date.toISOString().slice(0, 10);

/**
 * One CSV cell. Quoted always; a leading =, +, -, @, tab or return is defused with an apostrophe,
 * so a spreadsheet shows the text instead of running it as a formula.
 */
export function csvCell(value: string | number | null): string {
	let text = value === null ? '' : String(value);
	if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
	return `"${text.replaceAll('"', '""')}"`;
}

const CSV_COLUMNS = [
	'title',
	'kind',
	'perspective',
	'story',
	'customer feeling',
	'company or sector',
	'themes',
	'told by',
	'workshop',
	'team',
	'date',
	'reactions',
	'featured',
	'link'
];

export function toCsv(stories: ExportedStory[], origin: string): string {
	const rows = stories.map((story) =>
		[
			story.title,
			story.kind,
			story.perspective,
			story.body,
			story.feeling,
			story.company,
			story.themes.join('; '),
			story.authorName ?? 'Anonymous',
			story.workshopTitle,
			story.teamName,
			day(story.libraryAt),
			story.reactionCount,
			story.featured ? 'yes' : 'no',
			`${origin}/library/${story.id}`
		]
			.map(csvCell)
			.join(',')
	);
	// A byte-order mark, so spreadsheet programs read the file as UTF-8.
	return `\uFEFF${[CSV_COLUMNS.map(csvCell).join(','), ...rows].join('\r\n')}\r\n`;
}

export function toMarkdown(stories: ExportedStory[], origin: string, description: string): string {
	const parts = [`# Story library\n\n${description}: ${plural(stories.length, 'story', 'stories')}.\n`];
	for (const story of stories) {
		const meta = [
			`${KINDS[story.kind].icon} ${KINDS[story.kind].label}`,
			PERSPECTIVES[story.perspective],
			`told by ${story.authorName ?? 'Anonymous'}`,
			`${story.workshopTitle}${story.teamName ? ` (${story.teamName})` : ''}`,
			day(story.libraryAt)
		].join(' · ');
		const extra = [
			story.feeling && `Left the customer feeling: *${story.feeling}*`,
			story.company && `Company or sector: ${story.company}`,
			story.themes.length > 0 && `Themes: ${story.themes.join(', ')}`,
			`[Open in the library](${origin}/library/${story.id})`
		].filter(Boolean);
		// The title is the author's text: keep it to one line so it stays a heading.
		parts.push(
			`## ${story.title.replace(/\s+/g, ' ')}\n\n*${meta}*\n\n${story.body}\n\n${extra.join('  \n')}\n`
		);
	}
	return parts.join('\n---\n\n');
}
