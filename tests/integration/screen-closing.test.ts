// The closing slide's numbers on every engine: from Wrap-up on (and once the workshop has ended)
// the screen's room state counts the people, the stories the room saw and the ballots cast, and
// names the rallying cry chosen; before that it reads none of it.
import type { Database, Handle } from '$lib/server/db';
import { deltasFor, snapshot, workshopState } from '$lib/server/live';
import * as participants from '$lib/server/participants';
import * as votes from '$lib/server/votes';
import * as workshops from '$lib/server/workshops';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import { asMember, member, organisation, participant, story, workshop } from '../setup/fixtures';

describe.each(engines)('the closing slide on %s', (engine) => {
	let db: Database;
	let facilitator: Handle;
	let room: { id: string; joinCode: string };

	const closing = async () => (await snapshot(db, room.id, 'screen'))!.room!.closing;

	beforeAll(async () => {
		db = await freshDatabase(engine);
		const org = await organisation(db, 'Harbour');
		const facilitatorId = await member(db, org, 'facilitator');
		facilitator = asMember(db, facilitatorId);
		room = await workshop(db, org, facilitatorId, { status: 'live', stage: 'excite' });
		await story(db, room.id, { title: 'Kept' });
		await story(db, room.id, { title: 'Also kept' });
		const hidden = await story(db, room.id, { title: 'Hidden by the facilitator' });
		await db.query(`update stories set hidden = true where id = $1`, [hidden]);
		const cries: string[] = [];
		for (const text of ["Let's Go!", 'Own it']) {
			const [row] = await db.query<{ id: string }>(
				`insert into rallying_cries (workshop_id, text) values ($1, $2) returning id`,
				[room.id, text]
			);
			cries.push(row!.id);
		}
		const vote = await votes.open(facilitator, room.id, { subject: 'rallying_cry', method: 'single' });
		for (const [index, name] of ['Ana', 'Ben', 'Cara'].entries()) {
			const { id } = await participant(db, room.joinCode, name);
			const me = { id, workshopId: room.id, joinCode: room.joinCode, displayName: name };
			await votes.cast(participants.asParticipant(db, me), me, vote!.id, [cries[index === 2 ? 1 : 0]!]);
		}
		await participant(db, room.joinCode, null); // joined, never voted
		await votes.reveal(facilitator, vote!.id);
	});
	afterAll(() => db.close());

	it('is not read before Wrap-up', async () => {
		expect(await closing()).toBeNull();
	});

	it('counts the stories the room saw, every ballot, and names the cry, from Wrap-up on', async () => {
		expect(await workshops.setStage(facilitator, room.id, 'wrapup')).toBe(true);
		expect(await closing()).toEqual({ stories: 2, ballots: 3, rallyingCry: "Let's Go!" });
		expect((await snapshot(db, room.id, 'screen'))!.room!.joined).toBe(4);
	});

	it('reaches the screen with the change of stage, and stays once the workshop has ended', async () => {
		const { version } = (await workshopState(db, room.id))!;
		const [delta] = (await deltasFor(db, room.id, [{ v: version, what: 'workshop', ref: null }], 'screen'))!;
		expect(delta!.room!.closing).toEqual({ stories: 2, ballots: 3, rallyingCry: "Let's Go!" });
		expect(await workshops.end(facilitator, room.id)).toBe(true);
		expect(await closing()).toEqual({ stories: 2, ballots: 3, rallyingCry: "Let's Go!" });
	});
});
