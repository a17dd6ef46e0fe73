// Actions as files: CSV for a spreadsheet, and iCalendar (RFC 5545) so each due date lands in the
// owner's calendar as an all-day event that links back to the Actions page.
import { ACTION_STATUS } from '$lib/actionStatus';
import type { FollowedAction } from './followUp';
import { csvCell } from './libraryExport';

const CSV_COLUMNS = [
	'action',
	'owner',
	'due',
	'status',
	'overdue',
	'workshop',
	'team',
	'last update',
	'updated'
];

export function actionsCsv(actions: FollowedAction[]): string {
	const rows = actions.map((action) => {
		const last = action.updates[0];
		return [
			action.title,
			action.ownerName,
			action.dueOn,
			ACTION_STATUS[action.status].label,
			action.overdue ? 'yes' : 'no',
			action.workshop.title,
			action.workshop.teamName,
			last?.note ?? null,
			last ? last.at.toISOString().slice(0, 10) : null
		]
			.map(csvCell)
			.join(',');
	});
	return `\uFEFF${[CSV_COLUMNS.map(csvCell).join(','), ...rows].join('\r\n')}\r\n`;
}

/** Text as an iCalendar value: backslash, semicolon, comma and newlines escaped. */
function icsText(text: string): string {
	return text.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r?\n/g, '\\n');
}

/** Lines longer than 75 octets are folded: a CRLF and a space, never inside a character. */
function fold(line: string): string {
	const bytes = new TextEncoder();
	let out = '';
	let width = 0;
	for (const char of line) {
		const size = bytes.encode(char).length;
		if (width + size > 75) {
			out += '\r\n ';
			width = 1;
		}
		out += char;
		width += size;
	}
	return out;
}

const compactDay = (day: string) => day.replaceAll('-', '');

/** An all-day event on each due date (actions without one are left out). */
export function actionsCalendar(actions: FollowedAction[], origin: string, now = new Date()): string {
	const stamp = now
		.toISOString()
		.replace(/[-:]/g, '')
		.replace(/\.\d{3}/, '');
	const lines = [
		'BEGIN:VCALENDAR',
		'VERSION:2.0',
		'PRODID:-//CX Workshop//Actions//EN',
		'CALSCALE:GREGORIAN'
	];
	for (const action of actions) {
		if (!action.dueOn) continue;
		const next = new Date(`${action.dueOn}T00:00:00Z`);
		next.setUTCDate(next.getUTCDate() + 1);
		const link = `${origin}/actions?workshop=${action.workshop.id}`;
		lines.push(
			'BEGIN:VEVENT',
			`UID:${action.id}@cx-workshop`,
			`DTSTAMP:${stamp}`,
			`DTSTART;VALUE=DATE:${compactDay(action.dueOn)}`,
			`DTEND;VALUE=DATE:${compactDay(next.toISOString().slice(0, 10))}`,
			`SUMMARY:${icsText(`${action.status === 'done' ? 'Done' : 'Due'}: ${action.title}`)}`,
			`DESCRIPTION:${icsText(`Owner: ${action.ownerName}\nStatus: ${ACTION_STATUS[action.status].label}\nFrom: ${action.workshop.title}\n${link}`)}`,
			`URL:${link}`,
			action.status === 'dropped' ? 'STATUS:CANCELLED' : 'STATUS:CONFIRMED',
			'END:VEVENT'
		);
	}
	lines.push('END:VCALENDAR');
	return lines.map(fold).join('\r\n') + '\r\n';
}
