// An organisation reads dates in its own locale: owners set it; members, the live views and the
// charter (with its Markdown export) follow it.
import * as accounts from '$lib/server/accounts';
import { charter, charterMarkdown } from '$lib/server/charter';
import type { Database } from '$lib/server/db';
import { workshopState } from '$lib/server/live';
import * as organisations from '$lib/server/organisations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import { asMember, member, organisation, workshop } from '../setup/fixtures';

describe.each(engines)('the organisation’s locale on %s', (engine) => {
	let db: Database;
	let orgId: string;
	let ownerId: string;
	let facilitatorId: string;
	let room: { id: string; joinCode: string };

	beforeAll(async () => {
		db = await freshDatabase(engine);
		orgId = await organisation(db, 'Org');
		ownerId = await member(db, orgId, 'owner');
		facilitatorId = await member(db, orgId, 'facilitator');
		room = await workshop(db, orgId, facilitatorId, { status: 'ended' });
		await db.query(`update workshops set ended_at = '2026-03-04 12:00Z' where id = $1`, [room.id]);
		await db.query(
			`insert into action_items (workshop_id, title, owner_name, due_on) values ($1, 'Ring back', 'Priya', '2026-04-30')`,
			[room.id]
		);
	});
	afterAll(() => db.close());

	it('starts as British English', async () => {
		const me = await accounts.member(db, facilitatorId);
		expect(me!.memberships[0]!.locale).toBe('en-GB');
		expect((await workshopState(db, room.id))!.workshop.locale).toBe('en-GB');
	});

	it('is set by an owner, not by a facilitator', async () => {
		await expect(organisations.setLocale(asMember(db, facilitatorId), orgId, 'en-US')).rejects.toThrow(
			organisations.NotAllowedError
		);
		await organisations.setLocale(asMember(db, ownerId), orgId, 'en-US');
		const me = await accounts.member(db, facilitatorId);
		expect(me!.memberships[0]!.locale).toBe('en-US');
		expect((await workshopState(db, room.id))!.workshop.locale).toBe('en-US');
	});

	it('refuses what is not a locale', async () => {
		await expect(organisations.setLocale(asMember(db, ownerId), orgId, 'english')).rejects.toMatchObject({
			code: '23514'
		});
	});

	it('dates the charter and its actions in that locale', async () => {
		const read = (await charter(asMember(db, facilitatorId), room.joinCode))!;
		expect(read.workshop).toMatchObject({ date: '2026-03-04', locale: 'en-US' });
		const markdown = charterMarkdown(read, 'https://cx.example');
		expect(markdown).toContain('March 4, 2026');
		expect(markdown).toContain('- [ ] Ring back — Priya, by Apr 30, 2026');
	});
});
