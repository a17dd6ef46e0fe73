// Actions followed up after the workshop: who may update one (its owner, the workshop's
// facilitators, the organisation's owners), who reads them (the organisation's members, nobody
// else), the Actions page's order and filters, and the "how are we doing?" check.
import { charter as readCharter } from '$lib/server/charter';
import type { Database } from '$lib/server/db';
import {
	assignOwner,
	followUpSummary,
	listActions,
	updateAction,
	type ActionFilters
} from '$lib/server/followUp';
import { NotAllowedError, setFollowUpDays } from '$lib/server/organisations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import { asMember, endedWorkshop, member, organisation } from '../setup/fixtures';

const ALL: ActionFilters = { team: null, workshop: null, owner: null, status: null };

describe.each(engines)('actions followed up on %s', (engine) => {
	let db: Database;
	let org: string;
	let owner: string, facilitator: string, leader: string, doer: string, stranger: string;
	let room: { id: string; joinCode: string };
	const ids = { late: '', soon: '', undated: '', done: '', dropped: '' };

	/** An action in `room`, due `dueIn` days from today (null: no date). */
	async function action(title: string, dueIn: number | null, ownerId: string | null = null) {
		const [row] = await db.query<{ id: string }>(
			`insert into action_items (workshop_id, title, owner_name, due_on, owner_id, created_by)
			 values ($1, $2, 'Sam', current_date + $3::int, $4, $5) returning id`,
			[room.id, title, dueIn, ownerId, facilitator]
		);
		return row!.id;
	}

	beforeAll(async () => {
		db = await freshDatabase(engine);
		org = await organisation(db, 'Follow-up Ltd');
		owner = await member(db, org, 'owner', 'Olu');
		facilitator = await member(db, org, 'facilitator', 'Fay');
		leader = await member(db, org, 'leader', 'Lee');
		doer = await member(db, org, 'leader', 'Dot');
		stranger = await member(db, await organisation(db, 'Elsewhere'), 'owner', 'Stan');
		({ room } = await endedWorkshop(db, org, facilitator, 40));
		await db.query(`update workshops set team_name = 'Care' where id = $1`, [room.id]);
		ids.late = await action('Call back within a day', -3, doer);
		ids.soon = await action('Publish the refund rules', 10);
		ids.undated = await action('Thank the night shift', null);
		ids.done = await action('Fix the hold music', -20);
		ids.dropped = await action('Buy a new phone system', -10);
		await updateAction(asMember(db, facilitator), ids.done, { status: 'done', note: 'Replaced' });
		await updateAction(asMember(db, facilitator), ids.dropped, { status: 'dropped', note: null });
	});
	afterAll(() => db?.close());

	it('lets the action’s owner, the workshop’s facilitator and the organisation’s owner update it, with a dated log', async () => {
		await updateAction(asMember(db, doer), ids.late, { status: 'in_progress', note: 'Rota drafted' });
		await updateAction(asMember(db, facilitator), ids.late, { status: 'in_progress', note: 'Rota agreed' });
		await updateAction(asMember(db, owner), ids.late, { status: 'in_progress', note: null });
		const [late] = await listActions(asMember(db, leader), org, ALL, { ids: [ids.late] });
		expect(late!.status).toBe('in_progress');
		expect(late!.ownerName).toBe('Dot');
		expect(late!.updates.map((u) => [u.author, u.note])).toEqual([
			['Olu', null],
			['Fay', 'Rota agreed'],
			['Dot', 'Rota drafted']
		]);
	});

	it('refuses another leader, and a member of another organisation, who see it only or not at all', async () => {
		for (const who of [leader, stranger]) {
			await expect(updateAction(asMember(db, who), ids.soon, { status: 'done', note: null })).rejects.toThrow(
				NotAllowedError
			);
		}
		const [soon] = await listActions(asMember(db, leader), org, ALL, { ids: [ids.soon] });
		expect(soon).toMatchObject({ status: 'open', mayUpdate: false, mayAssign: false, updates: [] });
		expect(await listActions(asMember(db, stranger), org, ALL)).toEqual([]);
		await expect(asMember(db, stranger).query(`select * from action_updates`)).resolves.toEqual([]);
		// Nobody writes the log or the status but through app.update_action.
		await expect(
			asMember(db, facilitator).query(
				`insert into action_updates (action_id, workshop_id, status) values ($1, $2, 'done')`,
				[ids.soon, room.id]
			)
		).rejects.toMatchObject({ code: '42501' });
		await expect(
			asMember(db, facilitator).query(`update action_items set status = 'done' where id = $1`, [ids.soon])
		).rejects.toMatchObject({ code: '42501' });
	});

	it('lists overdue actions first, then by due date, finished ones last, and filters them', async () => {
		const titles = (list: { title: string }[]) => list.map((a) => a.title);
		const all = await listActions(asMember(db, leader), org, ALL);
		expect(titles(all)).toEqual([
			'Call back within a day',
			'Publish the refund rules',
			'Thank the night shift',
			'Fix the hold music',
			'Buy a new phone system'
		]);
		expect(all.map((a) => a.overdue)).toEqual([true, false, false, false, false]);
		const as = asMember(db, leader);
		expect(titles(await listActions(as, org, { ...ALL, status: 'done' }))).toEqual(['Fix the hold music']);
		expect(titles(await listActions(as, org, { ...ALL, owner: doer }))).toEqual(['Call back within a day']);
		expect(await listActions(as, org, { ...ALL, team: 'Billing' })).toEqual([]);
		expect(await listActions(as, org, { ...ALL, team: 'Care', workshop: room.id })).toHaveLength(5);
	});

	it('lets the facilitator make a member of the organisation the owner, and nobody else', async () => {
		await assignOwner(asMember(db, facilitator), ids.soon, leader);
		const [soon] = await listActions(asMember(db, leader), org, ALL, { ids: [ids.soon] });
		expect(soon).toMatchObject({ ownerId: leader, ownerName: 'Lee', mayUpdate: true, mayAssign: false });
		await expect(assignOwner(asMember(db, facilitator), ids.soon, stranger)).rejects.toThrow(NotAllowedError);
		await expect(assignOwner(asMember(db, leader), ids.soon, leader)).rejects.toThrow(NotAllowedError);
		await assignOwner(asMember(db, facilitator), ids.soon, null);
	});

	it('says how the actions are doing once the follow-up period has passed, and shows each status on the charter', async () => {
		const check = await followUpSummary(asMember(db, leader), room.id);
		expect(check).toMatchObject({ total: 5, done: 1, overdue: 1, dropped: 1, onTrack: 2 });
		// The organisation's owners choose the period; nobody else may.
		await expect(setFollowUpDays(asMember(db, leader), org, 60)).rejects.toThrow(NotAllowedError);
		await setFollowUpDays(asMember(db, owner), org, 60);
		expect(await followUpSummary(asMember(db, leader), room.id)).toBeNull();
		await setFollowUpDays(asMember(db, owner), org, 30);

		const charter = await readCharter(asMember(db, leader), room.joinCode);
		expect(Object.fromEntries(charter!.actions.map((a) => [a.title, a.status]))).toMatchObject({
			'Fix the hold music': 'done',
			'Buy a new phone system': 'dropped',
			'Call back within a day': 'in_progress'
		});
		expect(charter!.followUp?.done).toBe(1);
	});
});
