// Personal visions: each consent reaches exactly who it says (the writer; the room and its
// facilitators; the organisation's leaders, with or without the name), writing opens at the stage
// the facilitator chose and closes with the workshop, and a kept link opens the writer's own.
import { charter } from '$lib/server/charter';
import { asIdentity, type Database } from '$lib/server/db';
import { ANONYMOUS } from '$lib/server/db/types';
import type { Participant } from '$lib/server/participants';
import * as personalVisions from '$lib/server/personalVisions';
import { PostingClosedError } from '$lib/server/posting';
import * as workshops from '$lib/server/workshops';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import { asMember, asParticipant, member, organisation, participant, workshop } from '../setup/fixtures';

describe.each(engines)('personal visions on %s', (engine) => {
	let db: Database;
	let facilitator: string, leader: string;
	let room: { id: string; joinCode: string };
	const people: Record<'ana' | 'ben' | 'cy' | 'dee' | 'eve', Participant> = {} as never;

	const as = (who: Participant) => asParticipant(db, who.id);
	const write = (
		who: Participant,
		consent: personalVisions.VisionConsent,
		vision: string,
		commitment: string | null = null
	) => personalVisions.save(as(who), who, { vision, commitment, consent });
	const visions = async (handle: ReturnType<typeof asMember>) =>
		(await personalVisions.shared(handle, room.id)).map((v) => [v.vision, v.writer]);

	beforeAll(async () => {
		db = await freshDatabase(engine);
		const org = await organisation(db, 'Visions Ltd');
		facilitator = await member(db, org, 'facilitator');
		leader = await member(db, org, 'leader');
		room = await workshop(db, org, facilitator, { stage: 'dream' });
		for (const name of ['ana', 'ben', 'cy', 'dee', 'eve'] as const) {
			const { id } = await participant(db, room.joinCode, name.toUpperCase());
			people[name] = { id, workshopId: room.id, joinCode: room.joinCode, displayName: name.toUpperCase() };
		}
	});
	afterAll(() => db?.close());

	it('opens at the stage the facilitator chose, not before', async () => {
		await expect(write(people.ana, 'private', 'Too early')).rejects.toThrow(
			new PostingClosedError('Personal visions open later in the workshop.')
		);
		expect(await personalVisions.setStage(asMember(db, facilitator), room.id, 'dream')).toBe(true);
		expect(await personalVisions.setStage(asMember(db, leader), room.id, 'excite')).toBe(false);
		await write(
			people.ana,
			'private',
			'Every customer is greeted by name',
			'Next week I will learn ten names'
		);
		expect(await personalVisions.mine(as(people.ana), people.ana)).toEqual({
			vision: 'Every customer is greeted by name',
			commitment: 'Next week I will learn ten names',
			consent: 'private',
			hidden: false
		});
	});

	it('shows each vision to exactly those its writer chose, with the name only where they gave it', async () => {
		await write(people.ben, 'room', 'No customer is passed on');
		await write(people.cy, 'library_anonymous', 'Promises are kept');
		await write(people.dee, 'library_named', 'Answers in one call');
		const everyShared = [
			['No customer is passed on', 'BEN'],
			['Promises are kept', null],
			['Answers in one call', 'DEE']
		];
		expect(await visions(as(people.eve))).toEqual(everyShared);
		expect(await visions(asMember(db, facilitator))).toEqual(everyShared);
		expect(await visions(asMember(db, leader))).toEqual(everyShared.slice(1));
		// The private one: its writer alone, here and on the charter.
		expect(await personalVisions.mine(as(people.eve), people.ana)).toBeNull();
		const read = await charter(asMember(db, leader), room.joinCode);
		expect(read!.personalVisions.map((v) => v.vision)).toEqual(['Promises are kept', 'Answers in one call']);
		// An anonymous vision keeps no name on its row for anyone to read.
		const rows = await db.query(
			`select writer_name from personal_visions where consent = 'library_anonymous'`
		);
		expect(rows).toEqual([{ writer_name: null }]);
	});

	it('lets the writer rewrite and re-share their own, and nobody else theirs', async () => {
		await write(people.ana, 'room', 'Every customer is greeted by name, and thanked');
		expect((await visions(as(people.eve)))[0]).toEqual([
			'Every customer is greeted by name, and thanked',
			'ANA'
		]);
		const changed = await as(people.eve).query(
			`update personal_visions set vision = 'Hijacked' returning id`
		);
		expect(changed).toEqual([]);
	});

	it('gives the writer a link that opens their vision for anyone holding it, until a newer one replaces it', async () => {
		const first = await personalVisions.newLink(as(people.dee));
		const second = await personalVisions.newLink(as(people.dee));
		expect(first).toMatch(/^[A-Za-z0-9_-]{20,}$/);
		// The server looks links up on its own connection; no request role may call the lookup.
		await expect(
			asIdentity(db, ANONYMOUS).query(`select * from app.personal_vision_by_link('x')`)
		).rejects.toMatchObject({ code: '42501' });
		expect(await personalVisions.byLink(db, first!)).toBeNull();
		expect(await personalVisions.byLink(db, second!)).toMatchObject({
			vision: 'Answers in one call',
			writer: 'DEE',
			workshopTitle: 'Test workshop',
			orgName: 'Visions Ltd'
		});
		expect(await personalVisions.newLink(as(people.eve))).toBeNull(); // nothing written yet
	});

	it('closes writing when the workshop ends, keeps the link, and retention keeps only what was shared with the organisation', async () => {
		const link = await personalVisions.newLink(as(people.ben));
		expect(await workshops.end(asMember(db, facilitator), room.id)).toBe(true);
		await expect(write(people.eve, 'room', 'Too late')).rejects.toThrow(
			new PostingClosedError('This workshop has ended: your vision can be read, not changed.')
		);
		expect(await personalVisions.byLink(db, link!)).toMatchObject({
			vision: 'No customer is passed on'
		});

		await db.query(
			`update organisations set retention_days = 1 where id = (select org_id from workshops where id = $1)`,
			[room.id]
		);
		await db.query(`update workshops set ended_at = now() - interval '2 days' where id = $1`, [room.id]);
		await db.query(`select * from app.apply_retention()`);
		const kept = await db.query<{ consent: string }>(`select consent from personal_visions order by consent`);
		expect(kept.map((row) => row.consent)).toEqual(['library_anonymous', 'library_named']);
	});
});
