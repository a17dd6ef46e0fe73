import { describe, expect, it } from 'vitest';
import type { ExportedStory } from './library';
import { csvCell, toCsv, toMarkdown } from './libraryExport';

const story: ExportedStory = {
	id: '00000000-0000-4000-8000-000000000001',
	kind: 'bad',
	perspective: 'employee',
	title: 'Line one\nline two',
	body: 'She said "no", twice.\nThen hung up.',
	snippetHtml: '',
	feeling: '=1+1',
	company: null,
	themes: ['speed', 'clarity'],
	authorName: null,
	reactionCount: 3,
	featured: true,
	libraryAt: new Date('2026-03-04T10:00:00Z'),
	workshopId: 'w',
	workshopTitle: 'Spring workshop',
	teamName: 'Night shift'
};

describe('CSV export', () => {
	it.each([
		['=SUM(A1)', `"'=SUM(A1)"`],
		['+44 20 7946', `"'+44 20 7946"`],
		['-1', `"'-1"`],
		['@cmd', `"'@cmd"`],
		['\tindent', `"'\tindent"`],
		['plain', '"plain"'],
		['say "hi"', '"say ""hi"""'],
		[null, '""'],
		[7, '"7"']
	])('writes %j as %s (quoted, formulas defused)', (value, cell) => {
		expect(csvCell(value)).toBe(cell);
	});

	it('writes one row per story under a header, with "Anonymous" for an unnamed author', () => {
		const csv = toCsv([story], 'https://cx.example');
		expect(csv.startsWith('\uFEFF"title","kind"')).toBe(true);
		const rows = csv.slice(1).split('\r\n');
		expect(rows).toHaveLength(3);
		expect(rows[1]).toBe(
			[
				'"Line one\nline two"',
				'"bad"',
				'"employee"',
				'"She said ""no"", twice.\nThen hung up."',
				`"'=1+1"`,
				'""',
				'"speed; clarity"',
				'"Anonymous"',
				'"Spring workshop"',
				'"Night shift"',
				'"2026-03-04"',
				'"3"',
				'"yes"',
				'"https://cx.example/library/00000000-0000-4000-8000-000000000001"'
			].join(',')
		);
	});
});

describe('Markdown export', () => {
	it('gives each story a one-line heading, its attribution and its text as written', () => {
		const markdown = toMarkdown([story], 'https://cx.example', 'All stories');
		expect(markdown).toContain('# Story library\n\nAll stories: 1 story.');
		expect(markdown).toContain('## Line one line two\n');
		expect(markdown).toContain(
			'👎 Bad service · I was serving the customer · told by Anonymous · Spring workshop (Night shift) · 2026-03-04'
		);
		expect(markdown).toContain('She said "no", twice.\nThen hung up.');
		expect(markdown).toContain('Themes: speed, clarity');
	});
});
