import { describe, expect, it } from 'vitest';
import { actionsCalendar, actionsCsv } from './actionFiles';
import type { FollowedAction } from './followUp';

const action = (more: Partial<FollowedAction> = {}): FollowedAction => ({
	id: '0b8f6a52-6d0e-4b5e-9f41-3c1a9f2f7e11',
	title: 'Call back, within a day; every time',
	ownerId: null,
	ownerName: 'Sam',
	dueOn: '2026-12-31',
	status: 'open',
	overdue: false,
	workshop: { id: 'w1', title: 'Kick-off', joinCode: 'ABC234', teamName: 'Care' },
	updates: [],
	mayUpdate: false,
	mayAssign: false,
	...more
});

describe('actions as a calendar', () => {
	const calendar = actionsCalendar(
		[
			action(),
			action({ id: 'no-date', dueOn: null }),
			action({ id: 'dropped', status: 'dropped', title: 'x'.repeat(200) })
		],
		'https://cx.example.com',
		new Date('2026-12-03T10:00:00Z')
	);
	const lines = calendar.split('\r\n');

	it('puts each dated action on its day, all day long, and leaves out the undated', () => {
		expect(calendar.match(/BEGIN:VEVENT/g)).toHaveLength(2);
		expect(lines).toContain('DTSTART;VALUE=DATE:20261231');
		expect(lines).toContain('DTEND;VALUE=DATE:20270101');
		expect(lines).toContain('DTSTAMP:20261203T100000Z');
		expect(calendar).not.toContain('no-date@');
	});

	it('escapes text and folds long lines at 75 octets, as RFC 5545 asks', () => {
		expect(lines).toContain('SUMMARY:Due: Call back\\, within a day\\; every time');
		expect(lines.every((line) => new TextEncoder().encode(line).length <= 75)).toBe(true);
		expect(calendar.replace(/\r\n /g, '')).toContain(`SUMMARY:Due: ${'x'.repeat(200)}`);
		expect(lines).toContain('STATUS:CANCELLED');
		expect(calendar.endsWith('END:VCALENDAR\r\n')).toBe(true);
	});
});

describe('actions as CSV', () => {
	it('writes one row per action with its last update, formulas defused', () => {
		const csv = actionsCsv([
			action({
				title: '=HYPERLINK("x")',
				overdue: true,
				updates: [
					{ status: 'in_progress', note: 'Started', author: 'Sam', at: new Date('2026-12-02T09:00:00Z') }
				]
			})
		]);
		const [header, row] = csv.replace('\uFEFF', '').trim().split('\r\n');
		expect(header).toBe(
			'"action","owner","due","status","overdue","workshop","team","last update","updated"'
		);
		expect(row).toBe(
			`"'=HYPERLINK(""x"")","Sam","2026-12-31","Open","yes","Kick-off","Care","Started","2026-12-02"`
		);
	});
});
