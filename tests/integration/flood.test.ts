// A room that cannot be flooded: join-code guesses limited per address (never a venue's joins),
// ended workshops that answer like unknown codes, joining the facilitator closes, participants the
// facilitator removes, and posting limits a person never meets and a script does.
import type { Database, Handle } from '$lib/server/db';
import * as joinGuesses from '$lib/server/joinGuesses';
import { snapshot } from '$lib/server/live';
import * as participants from '$lib/server/participants';
import { overPostingLimit } from '$lib/server/posting';
import { ACCESS_ENDED, LiveHub } from '$lib/server/realtime';
import * as workshops from '$lib/server/workshops';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import {
	asAnon,
	asMember,
	asParticipant,
	member,
	organisation,
	participant,
	REFUSED,
	story,
	workshop
} from '../setup/fixtures';
import { recorder } from '../setup/streams';

describe.each(engines)('a room that cannot be flooded on %s', (engine) => {
	let db: Database;
	let org: string;
	let owner: string;
	let facilitator: Handle;
	let addressCount = 0;
	/** A fresh address, so each test starts with no guesses counted. */
	const address = () => `192.0.2.${++addressCount}`;
	const guess = (from: string, code: string) => joinGuesses.guess(db, from, code);
	const misses = async (from: string) =>
		(
			await db.query<{ failures: number }>(`select failures from join_throttles where address = $1`, [from])
		)[0]?.failures ?? 0;

	beforeAll(async () => {
		db = await freshDatabase(engine);
		org = await organisation(db, 'Harbour');
		owner = await member(db, org, 'facilitator');
		facilitator = asMember(db, owner);
	}, 60_000);
	afterAll(() => db.close());

	describe('join-code guesses', () => {
		it('lets an address miss 20 times in 10 minutes, then makes it wait, without looking codes up', async () => {
			const from = address();
			for (let i = 0; i < joinGuesses.MISSES_ALLOWED; i++)
				expect(await guess(from, `ZZZZ${i + 10}`)).toBe(false);
			const refused = await guess(from, 'ZZZZ99').catch((error: unknown) => error);
			expect(refused).toBeInstanceOf(joinGuesses.TooManyGuessesError);
			const wait = (refused as joinGuesses.TooManyGuessesError).retryAfter;
			expect(wait).toBeGreaterThan(0);
			expect(wait).toBeLessThanOrEqual(joinGuesses.WINDOW_MINUTES * 60);
			// A real code it has not found yet is refused too: a guesser learns nothing while waiting.
			const room = await workshop(db, org, owner);
			await expect(guess(from, room.joinCode)).rejects.toBeInstanceOf(joinGuesses.TooManyGuessesError);
			// When the window is over, guessing starts afresh.
			await db.query(
				`update join_throttles set window_ends_at = now() - interval '1 second' where address = $1`,
				[from]
			);
			expect(await guess(from, room.joinCode)).toBe(true);
			expect(await guess(from, 'ZZZZ99')).toBe(false);
			expect(await misses(from)).toBe(1);
		});

		it('counts an ended workshop as a miss, and never a code that opens a workshop', async () => {
			const from = address();
			const ended = await workshop(db, org, owner, { status: 'ended' });
			const open = await workshop(db, org, owner);
			expect(await guess(from, ended.joinCode)).toBe(false);
			expect(await guess(from, open.joinCode)).toBe(true);
			expect(await misses(from)).toBe(1);
		});

		it('lets a burst of parallel wrong guesses miss only as often as allowed', async () => {
			const from = address();
			const outcomes = await Promise.allSettled(
				Array.from({ length: 50 }, (_, i) => guess(from, `YYYY${String(i).padStart(2, '2')}`))
			);
			expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(joinGuesses.MISSES_ALLOWED);
			expect(
				outcomes.every((o) => o.status === 'fulfilled' || o.reason instanceof joinGuesses.TooManyGuessesError)
			).toBe(true);
		});

		it('never slows 500 phones at one address typing the right code, even after misses there', async () => {
			const from = address();
			const venue = await workshop(db, org, owner);
			// All at once, before anyone from the venue has found the code: nobody misses, nobody waits.
			const first = await Promise.all(Array.from({ length: 250 }, () => guess(from, venue.joinCode)));
			expect(first.every(Boolean)).toBe(true);
			// Some phones mistype until the address has to wait: the right code still opens at once.
			for (let i = 0; i < joinGuesses.MISSES_ALLOWED; i++) await guess(from, `XXXX${i + 10}`);
			await expect(guess(from, 'XXXX99')).rejects.toBeInstanceOf(joinGuesses.TooManyGuessesError);
			const later = await Promise.all(Array.from({ length: 250 }, () => guess(from, venue.joinCode)));
			expect(later.every(Boolean)).toBe(true);
			const joined = await Promise.all(
				Array.from({ length: 50 }, (_, i) => participant(db, venue.joinCode, `Phone ${i}`))
			);
			expect(new Set(joined.map((p) => p.id)).size).toBe(50);
		});
	});

	describe('ended workshops and closed joining', () => {
		it('an ended workshop says nothing on the join page and lets no one join', async () => {
			const ended = await workshop(db, org, owner, { status: 'ended' });
			expect(await workshops.preview(asAnon(db), ended.joinCode)).toBeNull();
			await expect(participants.join(asAnon(db), ended.joinCode, 'Eve')).rejects.toBeInstanceOf(
				participants.NoSuchWorkshopError
			);
		});

		it('closed joining refuses new phones, not those already in, and reopens', async () => {
			const room = await workshop(db, org, owner, { stage: 'explore' });
			const ana = await participant(db, room.joinCode, 'Ana');
			expect(await workshops.setJoiningClosed(asParticipant(db, ana.id), room.id, true)).toBe(false);
			expect(await workshops.setJoiningClosed(facilitator, room.id, true)).toBe(true);
			expect(await workshops.preview(asAnon(db), room.joinCode)).toMatchObject({ joiningClosed: true });
			expect((await snapshot(db, room.id, 'screen'))!.workshop.joiningClosed).toBe(true);
			await expect(participants.join(asAnon(db), room.joinCode, 'Bo')).rejects.toThrow(
				participants.JOINING_CLOSED
			);
			// Ana is still in: her cookie works and she posts.
			expect(await participants.forToken(db, ana.token)).toMatchObject({ id: ana.id });
			await asParticipant(db, ana.id).query(
				`insert into moods (workshop_id, participant_id, score) values ($1, $2, 4)`,
				[room.id, ana.id]
			);
			expect(await workshops.setJoiningClosed(facilitator, room.id, false)).toBe(true);
			expect((await participant(db, room.joinCode, 'Bo')).id).toBeTruthy();
		});

		it('lets no more than 5,000 join one workshop', async () => {
			const room = await workshop(db, org, owner);
			await db.query(`insert into participants (workshop_id) select $1 from generate_series(1, 5000)`, [
				room.id
			]);
			await expect(participants.join(asAnon(db), room.joinCode, 'Bot')).rejects.toThrow(
				participants.WORKSHOP_FULL
			);
		});
	});

	describe('removing a participant', () => {
		let room: { id: string; joinCode: string };
		let bo: { id: string; token: string };
		let cy: { id: string; token: string };
		let bosStory: string;
		let cysStory: string;
		const hub = () => new LiveHub(db);

		beforeAll(async () => {
			room = await workshop(db, org, owner, { stage: 'dream' });
			bo = await participant(db, room.joinCode, 'Bo the bot');
			cy = await participant(db, room.joinCode, 'Cy');
			bosStory = await story(asParticipant(db, bo.id), room.id, { title: 'Buy cheap watches' });
			cysStory = await story(asParticipant(db, cy.id), room.id, { title: 'Rang back' });
			await db.query(
				`insert into moods (workshop_id, participant_id, score, line) values ($1, $2, 1, 'spam spam'), ($1, $3, 4, 'Heard')`,
				[room.id, bo.id, cy.id]
			);
			await db.query(
				`insert into phrases (workshop_id, participant_id, text) values ($1, $2, 'spam'), ($1, $3, 'warmth')`,
				[room.id, bo.id, cy.id]
			);
			const [obstacle] = await db.query<{ id: string }>(
				`insert into obstacles (workshop_id, participant_id, text) values ($1, $2, 'spam obstacle') returning id`,
				[room.id, bo.id]
			);
			await db.query(
				`insert into fixes (workshop_id, obstacle_id, participant_id, text) values ($1, $2, $3, 'spam fix')`,
				[room.id, obstacle!.id, bo.id]
			);
		});

		it('is for the facilitator only', async () => {
			expect(await participants.remove(asParticipant(db, cy.id), bo.id)).toBe(false);
			const stranger = await member(db, await organisation(db, 'Elsewhere'), 'owner');
			expect(await participants.remove(asMember(db, stranger), bo.id)).toBe(false);
		});

		it('ends the removed phone’s access and stream, hides its posts and name from the room, and keeps the rest', async () => {
			const live = hub();
			const stillIn = (token: string) => async () => (await participants.forToken(db, token)) !== null;
			const bosStream = recorder('participant', bo.id, stillIn(bo.token));
			const cysStream = recorder('participant', cy.id, stillIn(cy.token));
			const screen = recorder('screen');
			await live.subscribe(room.id, bosStream.subscriber);
			await live.subscribe(room.id, cysStream.subscriber);
			await live.subscribe(room.id, screen.subscriber);
			const before = (await snapshot(db, room.id, 'screen'))!;
			expect(before.room!.names).toEqual(['Cy', 'Bo the bot']);

			expect(await participants.remove(facilitator, bo.id)).toBe(true);
			expect(await participants.remove(facilitator, bo.id)).toBe(false); // once

			// The stream is told why, and only Bo's ends.
			await vi.waitFor(() => expect(bosStream.state.closed).toBe(true));
			expect(bosStream.events.find((e) => e.event === 'ended')?.data).toEqual({
				reason: participants.REMOVED
			});
			expect(ACCESS_ENDED.participant).toBe(participants.REMOVED);
			expect(cysStream.state.closed).toBe(false);
			// The screen hears the room again without Bo.
			await vi.waitFor(() => expect(screen.lastWith('room')?.room?.names).toEqual(['Cy']));
			await live.close();

			// The token no longer opens anything; the database refuses Bo whatever the server does.
			expect(await participants.forToken(db, bo.token)).toBeNull();
			expect(await participants.wasRemoved(db, bo.token, room.joinCode)).toBe(true);
			expect(await participants.wasRemoved(db, cy.token, room.joinCode)).toBe(false);
			const asBo = asParticipant(db, bo.id);
			expect(await asBo.query(`select id from workshops where id = $1`, [room.id])).toEqual([]);
			await expect(story(asBo, room.id, { title: 'More spam' })).rejects.toMatchObject(REFUSED);

			// The room's views: names, counts and posts without Bo's; Cy's untouched.
			for (const audience of ['participant', 'screen'] as const) {
				const view = (await snapshot(db, room.id, audience))!;
				expect(view.stories.map((card) => card.id)).toEqual([cysStory]);
				expect(view.grow.obstacles).toEqual([]);
			}
			const screenView = (await snapshot(db, room.id, 'screen'))!;
			expect(screenView.room).toMatchObject({ joined: 1, names: ['Cy'], moodCounts: [0, 0, 0, 1, 0] });
			expect(screenView.room!.moodLines.map((line) => line.line)).toEqual(['Heard']);
			expect(screenView.vision.phrases).toEqual([{ text: 'warmth', count: 1 }]);
			const panel = (await snapshot(db, room.id, 'facilitator'))!;
			expect(panel.room!.people).toEqual([{ id: cy.id, name: 'Cy' }]);
			// The facilitator still reads Bo's story, hidden, and could show it again.
			expect(panel.stories.find((card) => card.id === bosStory)).toMatchObject({ hidden: true });
			const [fixes] = await db.query<{ n: number }>(
				`select count(*)::int as n from fixes where participant_id = $1`,
				[bo.id]
			);
			expect(fixes!.n).toBe(0);
		});
	});

	describe('posting limits', () => {
		let room: { id: string; joinCode: string };
		beforeAll(async () => {
			room = await workshop(db, org, owner, { stage: 'dream' });
		});

		it('refuse a script’s 11th story in a minute and accept a person’s pace', async () => {
			const phone = await participant(db, room.joinCode, 'Script');
			const asPhone = asParticipant(db, phone.id);
			for (let i = 0; i < 10; i++) await story(asPhone, room.id, { title: `Story ${i}` });
			const refused = await story(asPhone, room.id, { title: 'Story 11' }).catch((error: unknown) => error);
			expect(refused).toMatchObject({ code: 'CX429' });
			expect(overPostingLimit(refused)).toMatch(/more than 10 posts a minute/);
			// A person takes longer than that: the same ten stories, a minute ago, leave room for more.
			await db.query(
				`update stories set created_at = now() - interval '61 seconds'
				 where id in (select story_id from story_authors where participant_id = $1)`,
				[phone.id]
			);
			await story(asPhone, room.id, { title: 'Story 11, a minute later' });
			// Another phone is never slowed by this one.
			const other = await participant(db, room.joinCode, 'Person');
			await story(asParticipant(db, other.id), room.id, { title: 'Mine' });
		});

		it('refuse more than 100 stories from one phone in a workshop', async () => {
			const phone = await participant(db, room.joinCode, 'Patient script');
			const asPhone = asParticipant(db, phone.id);
			for (let i = 0; i < 100; i++) {
				const id = await story(asPhone, room.id, { title: `Story ${i}` });
				await db.query(`update stories set created_at = now() - interval '1 hour' where id = $1`, [id]);
			}
			const refused = await story(asPhone, room.id).catch((error: unknown) => error);
			expect(overPostingLimit(refused)).toMatch(/100 of these already/);
		});

		it('refuse parallel posts from one phone past the limit', async () => {
			const phone = await participant(db, room.joinCode, 'Parallel script');
			const asPhone = asParticipant(db, phone.id);
			const outcomes = await Promise.allSettled(
				Array.from({ length: 20 }, (_, i) => story(asPhone, room.id, { title: `Burst ${i}` }))
			);
			expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(10);
		});

		it('are told apart from other refusals', () => {
			expect(overPostingLimit(Object.assign(new Error('x'), { code: '42501' }))).toBeNull();
		});
	});
});
