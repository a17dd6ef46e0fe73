// Deleting a workshop: its facilitators and its organisation's owners may, with everything in it,
// once it is not running; nobody else may.
import type { Database } from '$lib/server/db';
import * as workshops from '$lib/server/workshops';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import { asMember, asParticipant, endedWorkshop, member, organisation, workshop } from '../setup/fixtures';

describe.each(engines)('deleting a workshop on %s', (engine) => {
	let db: Database;
	beforeAll(async () => {
		db = await freshDatabase(engine);
	});
	afterAll(() => db.close());

	/** What is left of a workshop in the database. */
	async function leftOf(workshopId: string) {
		const [row] = await db.query<Record<string, number>>(
			`select (select count(*)::int from workshops where id = $1) as workshops,
			        (select count(*)::int from stories where workshop_id = $1) as stories,
			        (select count(*)::int from stories where workshop_id = $1 and library_at is not null) as library,
			        (select count(*)::int from participants where workshop_id = $1) as participants`,
			[workshopId]
		);
		return row;
	}

	it('as its facilitator or an owner: gone with its stories, from the library too, and its participants', async () => {
		const org = await organisation(db, 'Org');
		const facilitator = await member(db, org, 'facilitator');
		const owner = await member(db, org, 'owner');
		for (const deleter of [facilitator, owner]) {
			const { room } = await endedWorkshop(db, org, facilitator);
			expect(await leftOf(room.id)).toEqual({ workshops: 1, stories: 2, library: 1, participants: 1 });
			expect(await workshops.remove(asMember(db, deleter), room.id)).toBe('Test workshop');
			expect(await leftOf(room.id)).toEqual({ workshops: 0, stories: 0, library: 0, participants: 0 });
		}
		const draft = await workshop(db, org, facilitator, { status: 'draft' });
		expect(await workshops.remove(asMember(db, facilitator), draft.id)).toBe('Test workshop');
	});

	it('refuses a leader, another facilitator, another organisation, a participant, and a running workshop', async () => {
		const org = await organisation(db, 'Org');
		const facilitator = await member(db, org, 'facilitator');
		const owner = await member(db, org, 'owner');
		const { room, ana } = await endedWorkshop(db, org, facilitator);
		const elsewhere = await organisation(db, 'Elsewhere');
		const refused = [
			asMember(db, await member(db, org, 'leader')),
			asMember(db, await member(db, org, 'facilitator')),
			asMember(db, await member(db, elsewhere, 'owner')),
			asParticipant(db, ana.id)
		];
		for (const who of refused) expect(await workshops.remove(who, room.id)).toBeNull();
		expect(await leftOf(room.id)).toEqual({ workshops: 1, stories: 2, library: 1, participants: 1 });

		// While phones and a screen follow it, not even its facilitator or an owner: end it first.
		const running = await workshop(db, org, facilitator, { stage: 'dream' });
		expect(await workshops.remove(asMember(db, facilitator), running.id)).toBeNull();
		expect(await workshops.remove(asMember(db, owner), running.id)).toBeNull();
		expect((await leftOf(running.id))!.workshops).toBe(1);
	});
});
