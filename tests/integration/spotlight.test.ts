// The presenter's "next spotlight": the facilitator steps the spotlight through the visible stories,
// newest first, wrapping round — on every engine, and only for the workshop's facilitator.
import type { Database, Handle } from '$lib/server/db';
import * as stories from '$lib/server/stories';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import { asMember, member, organisation, story, workshop } from '../setup/fixtures';

describe.each(engines)('next spotlight on %s', (engine) => {
	let db: Database;
	let orgId: string;
	let facilitatorDb: Handle;
	let leaderDb: Handle;
	let facilitatorId: string;
	let room: { id: string };

	beforeAll(async () => {
		db = await freshDatabase(engine);
		orgId = await organisation(db, 'Harbour');
		facilitatorId = await member(db, orgId, 'facilitator');
		facilitatorDb = asMember(db, facilitatorId);
		leaderDb = asMember(db, await member(db, orgId, 'leader'));
	});
	afterAll(() => db.close());

	beforeEach(async () => {
		room = await workshop(db, orgId, facilitatorId, { stage: 'dream' });
	});

	/** Stories posted one after another (oldest first), as the owner writes them. */
	async function posted(titles: string[]): Promise<string[]> {
		const ids: string[] = [];
		for (const [index, title] of titles.entries()) {
			const id = await story(db, room.id, { title });
			// Distinct times, a minute apart, whatever the clock's resolution.
			await db.query(`update stories set created_at = now() - make_interval(mins => $2) where id = $1`, [
				id,
				titles.length - index
			]);
			ids.push(id);
		}
		return ids;
	}

	const inSpotlight = async () =>
		(
			await db.query<{ id: string | null }>(`select spotlight_story_id as id from workshops where id = $1`, [
				room.id
			])
		)[0]!.id;

	it('starts with the newest story, steps to older ones and wraps round to the newest', async () => {
		const [oldest, middle, newest] = await posted(['Oldest', 'Middle', 'Newest']);
		const steps = [];
		for (let step = 0; step < 4; step++) steps.push(await stories.spotlightNext(facilitatorDb, room.id));
		expect(steps).toEqual([newest, middle, oldest, newest]);
		expect(await inSpotlight()).toBe(newest);
	});

	it('skips hidden stories, and leaves a story that was just hidden for the next visible one', async () => {
		const [oldest, middle, newest] = await posted(['Oldest', 'Middle', 'Newest']);
		await stories.setHidden(facilitatorDb, room.id, middle!, true);
		expect(await stories.spotlightNext(facilitatorDb, room.id)).toBe(newest);
		expect(await stories.spotlightNext(facilitatorDb, room.id)).toBe(oldest);
		// Hiding the story in the spotlight clears it; the next step starts again from the newest.
		await stories.setHidden(facilitatorDb, room.id, oldest!, true);
		expect(await inSpotlight()).toBeNull();
		expect(await stories.spotlightNext(facilitatorDb, room.id)).toBe(newest);
	});

	it('does nothing when there is no visible story, or the workshop has ended', async () => {
		expect(await stories.spotlightNext(facilitatorDb, room.id)).toBeNull();
		const [only] = await posted(['Only']);
		await stories.setHidden(facilitatorDb, room.id, only!, true);
		expect(await stories.spotlightNext(facilitatorDb, room.id)).toBeNull();
		await stories.setHidden(facilitatorDb, room.id, only!, false);
		await db.query(`update workshops set status = 'ended', ended_at = now() where id = $1`, [room.id]);
		expect(await stories.spotlightNext(facilitatorDb, room.id)).toBeNull();
		expect(await inSpotlight()).toBeNull();
	});

	it('moves only for those who drive the workshop', async () => {
		await posted(['One', 'Two']);
		expect(await stories.spotlightNext(leaderDb, room.id)).toBeNull();
		expect(await inSpotlight()).toBeNull();
	});

	it('is announced like any change to the workshop', async () => {
		await posted(['One']);
		const version = async () =>
			(await db.query<{ v: number }>(`select version as v from workshops where id = $1`, [room.id]))[0]!.v;
		const before = await version();
		await stories.spotlightNext(facilitatorDb, room.id);
		expect(await version()).toBe(before + 1);
	});
});
