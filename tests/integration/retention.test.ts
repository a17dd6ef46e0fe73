// The retention period: what a workshop's people said only for the room, and who they were, go a set
// number of days after it ended; what they shared with the library and the results stay.
import type { Database } from '$lib/server/db';
import { NotAllowedError, setRetention } from '$lib/server/organisations';
import * as participants from '$lib/server/participants';
import { applyRetention } from '$lib/server/retention';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import { asMember, endedWorkshop, member, organisation } from '../setup/fixtures';

describe.each(engines)('retention on %s', (engine) => {
	let db: Database;
	beforeAll(async () => {
		db = await freshDatabase(engine);
	});
	afterAll(() => db.close());

	async function state(workshopId: string) {
		const [row] = await db.query<{ titles: string[]; names: (string | null)[] }>(
			`select (select json_agg(title order by title) from stories where workshop_id = $1) as titles,
			        (select json_agg(display_name) from participants where workshop_id = $1) as names`,
			[workshopId]
		);
		return row;
	}

	it('removes room-only stories and participants’ identities once the period has passed, and only then', async () => {
		const org = await organisation(db, 'Keeps 30 days');
		const owner = await member(db, org, 'owner');
		const facilitator = await member(db, org, 'facilitator');
		await setRetention(asMember(db, owner), org, 30);
		const due = await endedWorkshop(db, org, facilitator, 31);
		const recent = await endedWorkshop(db, org, facilitator, 10);
		const elsewhere = await organisation(db, 'Keeps everything');
		const kept = await endedWorkshop(db, elsewhere, await member(db, elsewhere, 'facilitator'), 400);

		expect(await applyRetention(db)).toEqual({ stories: 1, participants: 1 });
		expect(await state(due.room.id)).toEqual({ titles: ['For the library'], names: [null] });
		// The phone's secret went with the name: its link signs nobody in any more.
		expect(await participants.forToken(db, due.ana.token)).toBeNull();
		for (const untouched of [recent, kept]) {
			expect(await state(untouched.room.id)).toEqual({
				titles: ['For the library', 'For the room'],
				names: ['Ana']
			});
			expect(await participants.forToken(db, untouched.ana.token)).not.toBeNull();
		}
		// Each run removes only what is due: nothing twice.
		expect(await applyRetention(db)).toEqual({ stories: 0, participants: 0 });
	});

	it('is set by an owner only, to 1–3,650 days or to keep everything', async () => {
		const org = await organisation(db, 'Org');
		const owner = await member(db, org, 'owner');
		await setRetention(asMember(db, owner), org, 90);
		await setRetention(asMember(db, owner), org, null);
		for (const role of ['facilitator', 'leader'] as const) {
			await expect(setRetention(asMember(db, await member(db, org, role)), org, 7)).rejects.toBeInstanceOf(
				NotAllowedError
			);
		}
		for (const days of [0, 3651]) {
			await expect(setRetention(asMember(db, owner), org, days)).rejects.toMatchObject({ code: '23514' });
		}
		const [row] = await db.query<{ days: number | null }>(
			`select retention_days as days from organisations where id = $1`,
			[org]
		);
		expect(row!.days).toBeNull();
	});

	it('is the server’s to run: no member or participant may call it', async () => {
		const org = await organisation(db, 'Org');
		const owner = await member(db, org, 'owner');
		await expect(asMember(db, owner).query(`select * from app.apply_retention()`)).rejects.toMatchObject({
			code: '42501'
		});
	});
});
