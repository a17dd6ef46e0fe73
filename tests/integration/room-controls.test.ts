// The controls a projector follows: the stage timer ends with its stage unless carried on, and the
// story wall is paused and stepped from the control panel — by the workshop's facilitator only.
import type { Database } from '$lib/server/db';
import { STORIES_SHOWN } from '$lib/live';
import { snapshot, workshopState } from '$lib/server/live';
import * as workshops from '$lib/server/workshops';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import { asMember, member, organisation, story, workshop } from '../setup/fixtures';

describe.each(engines)('room controls on %s', (engine) => {
	let db: Database;
	let facilitatorId: string;
	let outsiderId: string;
	let room: { id: string };

	beforeAll(async () => {
		db = await freshDatabase(engine);
		const org = await organisation(db, 'Org');
		facilitatorId = await member(db, org, 'facilitator');
		outsiderId = await member(db, org, 'leader');
		room = await workshop(db, org, facilitatorId, { stage: 'explore' });
	});
	afterAll(() => db.close());

	const driver = () => asMember(db, facilitatorId);
	const state = async () => (await workshopState(db, room.id))!.workshop;

	it('a timer ends with its stage', async () => {
		await workshops.timer(driver(), room.id, 'start', 120);
		expect((await state()).timer.endsAt).not.toBeNull();
		expect(await workshops.setStage(driver(), room.id, 'dream')).toBe(true);
		expect((await state()).timer).toEqual({ endsAt: null, pausedMs: null });
	});

	it('a timer carried on keeps running into the next stage, and a paused one stays paused', async () => {
		await workshops.timer(driver(), room.id, 'start', 120);
		const { endsAt } = (await state()).timer;
		await workshops.setStage(driver(), room.id, 'grow', true);
		expect((await state()).timer.endsAt).toBe(endsAt);
		await workshops.timer(driver(), room.id, 'pause');
		await workshops.setStage(driver(), room.id, 'excite', true);
		expect((await state()).timer.pausedMs).toBeGreaterThan(0);
	});

	it('staying on the same stage keeps the timer', async () => {
		await workshops.timer(driver(), room.id, 'start', 60);
		await workshops.setStage(driver(), room.id, 'excite');
		expect((await state()).timer.endsAt).not.toBeNull();
	});

	it('the wall pauses, resumes and steps both ways', async () => {
		expect((await state()).wall).toEqual({ paused: false, step: 0 });
		expect(await workshops.wall(driver(), room.id, 'pause')).toBe(true);
		expect(await workshops.wall(driver(), room.id, 'next')).toBe(true);
		expect(await workshops.wall(driver(), room.id, 'next')).toBe(true);
		expect(await workshops.wall(driver(), room.id, 'previous')).toBe(true);
		expect((await state()).wall).toEqual({ paused: true, step: 1 });
		await workshops.wall(driver(), room.id, 'resume');
		expect((await state()).wall.paused).toBe(false);
	});

	it('only those who drive the workshop move its wall', async () => {
		const before = (await state()).wall;
		expect(await workshops.wall(asMember(db, outsiderId), room.id, 'next')).toBe(false);
		expect((await state()).wall).toEqual(before);
	});

	it('moving the wall is announced like any change to the workshop', async () => {
		const before = (await workshopState(db, room.id))!.version;
		await workshops.wall(driver(), room.id, 'next');
		expect((await workshopState(db, room.id))!.version).toBe(before + 1);
	});

	it('the screen gets every story to page through; a phone the newest of them', async () => {
		const phoneShows = STORIES_SHOWN.participant;
		for (let n = 0; n < phoneShows + 5; n++) await story(db, room.id, { title: `Story ${n}` });
		const screen = (await snapshot(db, room.id, 'screen'))!;
		const phone = (await snapshot(db, room.id, 'participant'))!;
		expect(screen.stories).toHaveLength(phoneShows + 5);
		expect(phone.stories).toHaveLength(phoneShows);
		expect(phone.stories).toEqual(screen.stories.slice(0, phoneShows));
	});
});
