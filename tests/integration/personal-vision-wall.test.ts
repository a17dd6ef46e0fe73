// The screen's wall of personal visions on every engine: the screen and the facilitator read the
// shared ones (room and organisation, never private), newest first; a vision written, changed,
// made private, withdrawn or hidden by the facilitator reaches them as a delta through the hub,
// phones hear only the tick, and a private one changing announces nothing. The facilitator puts the wall on the screen only
// while personal visions are open, and a new stage takes it off.
import type { Database } from '$lib/server/db';
import { snapshot } from '$lib/server/live';
import type { Participant } from '$lib/server/participants';
import * as personalVisions from '$lib/server/personalVisions';
import { LiveHub } from '$lib/server/realtime';
import * as workshops from '$lib/server/workshops';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import { asMember, asParticipant, member, organisation, participant, workshop } from '../setup/fixtures';
import { recorder } from '../setup/streams';

describe.each(engines)('the wall of personal visions on %s', (engine) => {
	let db: Database;
	let hub: LiveHub;
	let org: string;
	let facilitatorId: string;
	let room: { id: string; joinCode: string };
	const people: Record<'ana' | 'ben' | 'cy' | 'dee', Participant> = {} as never;
	const screen = recorder('screen');
	const facilitator = recorder('facilitator');
	let phone: ReturnType<typeof recorder>;

	const write = (who: Participant, consent: personalVisions.VisionConsent, vision: string) =>
		personalVisions.save(asParticipant(db, who.id), who, { vision, commitment: null, consent });
	const idOf = async (who: Participant) =>
		(
			await db.query<{ id: string }>(`select id from personal_visions where participant_id = $1`, [who.id])
		)[0]!.id;
	const version = async () =>
		(await db.query<{ version: number }>(`select version from workshops where id = $1`, [room.id]))[0]!
			.version;
	const driver = () => asMember(db, facilitatorId);

	beforeAll(async () => {
		db = await freshDatabase(engine);
		hub = new LiveHub(db, 100);
		org = await organisation(db, 'Wall Ltd');
		facilitatorId = await member(db, org, 'facilitator');
		room = await workshop(db, org, facilitatorId, { stage: 'dream' });
		for (const name of ['ana', 'ben', 'cy', 'dee'] as const) {
			const { id } = await participant(db, room.joinCode, name.toUpperCase());
			people[name] = { id, workshopId: room.id, joinCode: room.joinCode, displayName: name.toUpperCase() };
		}
		expect(await personalVisions.setStage(driver(), room.id, 'dream')).toBe(true);
		await write(people.ana, 'room', 'Nobody tells their story twice');
		await write(people.ben, 'library_anonymous', 'Promises are kept');
		await write(people.cy, 'private', 'A secret only I keep');
		phone = recorder('participant', people.ana.id);
		for (const stream of [screen, facilitator, phone]) await hub.subscribe(room.id, stream.subscriber);
	});
	afterAll(async () => {
		await hub?.close();
		await db?.close();
	});

	it('gives the screen and the facilitator the shared visions, newest first, never a private one', async () => {
		const expected = [
			{ vision: 'Promises are kept', commitment: null, writer: null },
			{ vision: 'Nobody tells their story twice', commitment: null, writer: 'ANA' }
		];
		for (const stream of [screen, facilitator]) {
			expect(stream.events[0]!.event).toBe('snapshot');
			expect(stream.events[0]!.data.room!.personalVisions).toMatchObject(expected);
			expect(JSON.stringify(stream.events[0]!.data)).not.toContain('A secret only I keep');
		}
		expect((await snapshot(db, room.id, 'facilitator'))!.room!.personalVisions).toMatchObject(expected);
		expect(phone.events[0]!.data.room).toBeNull();
	});

	it('a vision shared reaches the screen and the facilitator as a delta; phones get only the tick', async () => {
		await write(people.dee, 'library_named', 'Answers in one call');
		const id = await idOf(people.dee);
		for (const stream of [screen, facilitator]) {
			await expect.poll(() => stream.lastWith('personalVision')?.personalVision?.id).toBe(id);
			expect(stream.lastWith('personalVision')!.personalVision).toMatchObject({
				vision: 'Answers in one call',
				writer: 'DEE',
				createdAt: expect.any(String)
			});
		}
		await expect.poll(async () => phone.last()?.version).toBe(await version());
		expect(phone.deltas().some((delta) => 'personalVision' in delta)).toBe(false);
	});

	it('a change of words replaces the copy; made private, it is gone; shared again, it is back', async () => {
		const id = await idOf(people.ana);
		await write(people.ana, 'room', 'Nobody ever tells their story twice');
		await expect
			.poll(() => screen.lastWith('personalVision')?.personalVision)
			.toMatchObject({ id, vision: 'Nobody ever tells their story twice', writer: 'ANA' });
		await write(people.ana, 'private', 'Nobody ever tells their story twice');
		for (const stream of [screen, facilitator]) {
			await expect.poll(() => stream.lastWith('personalVisionGone')?.personalVisionGone).toBe(id);
		}
		const deltas = screen.deltas().length;
		await write(people.ana, 'library_anonymous', 'Nobody ever tells their story twice');
		await expect
			.poll(
				() =>
					screen
						.deltas()
						.slice(deltas)
						.find((delta) => delta.personalVision)?.personalVision
			)
			.toMatchObject({ id, writer: null });
	});

	it('a private vision changing announces nothing', async () => {
		const before = await version();
		await write(people.cy, 'private', 'Another secret only I keep');
		expect(await version()).toBe(before);
		expect(JSON.stringify(screen.events)).not.toContain('secret');
	});

	it('a vision withdrawn is gone from the wall', async () => {
		const id = await idOf(people.dee);
		await asParticipant(db, people.dee.id).query(`delete from personal_visions where participant_id = $1`, [
			people.dee.id
		]);
		await expect.poll(() => screen.lastWith('personalVisionGone')?.personalVisionGone).toBe(id);
		expect((await snapshot(db, room.id, 'screen'))!.room!.personalVisions.map((v) => v.vision)).toEqual([
			'Promises are kept',
			'Nobody ever tells their story twice' // written first: rewriting it keeps its place
		]);
	});

	it('the facilitator hides a shared vision from the screen, the room, the charter and the organisation, and shows it again', async () => {
		const id = await idOf(people.ben); // shared with the organisation
		const leader = asMember(db, await member(db, org, 'leader'));
		const ana = asParticipant(db, people.ana.id);
		const ben = asParticipant(db, people.ben.id);
		const sharedWithOrg = async () =>
			(
				await leader.query<{ shared: number }>(
					`select shared_visions as shared from app.insight_outcomes($1, array[$2]::uuid[])`,
					[org, room.id]
				)
			)[0]!.shared;
		expect(await sharedWithOrg()).toBe(2);

		// Only the facilitator hides, and the facilitator only hides: the words are the writer's.
		expect(await personalVisions.setHidden(ana, room.id, id, true)).toBe(false);
		expect(await personalVisions.setHidden(leader, room.id, id, true)).toBe(false);
		await expect(personalVisions.setHidden(ben, room.id, id, true)).rejects.toThrow('Only the facilitator');
		await expect(
			driver().query(`update personal_visions set vision = 'Hijacked' where id = $1`, [id])
		).rejects.toThrow('Only its writer');
		expect(await personalVisions.setHidden(driver(), room.id, await idOf(people.cy), true)).toBe(false); // private

		expect(await personalVisions.setHidden(driver(), room.id, id, true)).toBe(true);
		await expect.poll(() => screen.lastWith('personalVisionGone')?.personalVisionGone).toBe(id);
		await expect
			.poll(() => facilitator.lastWith('personalVision')?.personalVision)
			.toMatchObject({ id, hidden: true });
		expect((await snapshot(db, room.id, 'screen'))!.room!.personalVisions.map((v) => v.id)).not.toContain(id);
		expect((await snapshot(db, room.id, 'facilitator'))!.room!.personalVisions).toContainEqual(
			expect.objectContaining({ id, hidden: true })
		);
		for (const reader of [leader, ana, driver()]) {
			expect((await personalVisions.shared(reader, room.id)).map((v) => v.vision)).not.toContain(
				'Promises are kept'
			);
		}
		expect(await sharedWithOrg()).toBe(1);
		expect(await personalVisions.mine(ben, people.ben)).toMatchObject({
			vision: 'Promises are kept',
			hidden: true
		});

		expect(await personalVisions.setHidden(driver(), room.id, id, false)).toBe(true);
		await expect
			.poll(() => screen.lastWith('personalVision')?.personalVision)
			.toMatchObject({ id, hidden: false });
		expect((await personalVisions.shared(leader, room.id)).map((v) => v.vision)).toContain(
			'Promises are kept'
		);
		expect(await sharedWithOrg()).toBe(2);
	});

	it('goes on the screen while personal visions are open, for whoever drives the workshop, until a new stage', async () => {
		const leader = await member(db, org, 'leader');
		expect(await personalVisions.showOnScreen(asMember(db, leader), room.id, true)).toBe(false);
		expect(await personalVisions.setStage(driver(), room.id, 'excite')).toBe(true);
		expect(await personalVisions.showOnScreen(driver(), room.id, true)).toBe(false); // not open in Dream now
		expect(await personalVisions.setStage(driver(), room.id, 'dream')).toBe(true);
		expect(await personalVisions.showOnScreen(driver(), room.id, true)).toBe(true);
		await expect.poll(() => screen.lastWith('workshop')?.workshop?.visionsOnScreen).toBe(true);
		expect(await workshops.setStage(driver(), room.id, 'grow')).toBe(true);
		await expect
			.poll(() => screen.lastWith('workshop')?.workshop)
			.toMatchObject({
				stage: 'grow',
				visionsOnScreen: false
			});
	});
});
