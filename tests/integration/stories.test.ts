// Dream's rules, as a phone and a facilitator meet them: consent, anonymity under row-level
// security, edit windows, idempotent retries, reactions and moderation — on every engine.
import type { Database, Handle } from '$lib/server/db';
import * as library from '$lib/server/library';
import { viewOf } from '$lib/server/live';
import { PostingClosedError } from '$lib/server/posting';
import * as participants from '$lib/server/participants';
import * as stories from '$lib/server/stories';
import * as workshops from '$lib/server/workshops';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import {
	asMember,
	asParticipant,
	member,
	organisation,
	participant,
	workshop,
	REFUSED
} from '../setup/fixtures';
import { randomUUID } from 'node:crypto';

const TOLD: stories.StoryInput = {
	kind: 'good',
	perspective: 'customer',
	title: 'The engineer who rang back',
	body: 'She *promised* to ring back at four, and she did — with the fault already fixed.',
	feeling: 'Looked after',
	company: 'Broadband',
	themes: ['follow-through', 'ownership'],
	consent: 'library_anonymous'
};

describe.each(engines)('stories on %s', (engine) => {
	let db: Database;
	let orgId: string;
	let facilitatorId: string;
	let leaderId: string;
	let room: { id: string; joinCode: string };
	let ana: participants.Participant;
	let ben: participants.Participant;
	let anaDb: Handle;
	let benDb: Handle;
	let facilitatorDb: Handle;
	let leaderDb: Handle;

	async function joined(name: string | null): Promise<participants.Participant> {
		const { id } = await participant(db, room.joinCode, name);
		return { id, workshopId: room.id, joinCode: room.joinCode, displayName: name };
	}

	beforeAll(async () => {
		db = await freshDatabase(engine);
		orgId = await organisation(db, 'Harbour');
		facilitatorId = await member(db, orgId, 'facilitator');
		leaderId = await member(db, orgId, 'leader');
		facilitatorDb = asMember(db, facilitatorId);
		leaderDb = asMember(db, leaderId);
	});
	afterAll(() => db.close());

	beforeEach(async () => {
		room = await workshop(db, orgId, facilitatorId, { status: 'live', stage: 'dream' });
		ana = await joined('Ana');
		ben = await joined(null);
		anaDb = asParticipant(db, ana.id);
		benDb = asParticipant(db, ben.id);
	});

	const post = (who: participants.Participant, whoDb: Handle, input: Partial<stories.StoryInput> = {}) =>
		stories.post(whoDb, who, { ...TOLD, ...input }, randomUUID());

	describe('posting', () => {
		it('stores a story once however often the same post is retried, even in parallel', async () => {
			const key = randomUUID();
			const first = await stories.post(anaDb, ana, TOLD, key);
			const retries = await Promise.all([1, 2, 3].map(() => stories.post(anaDb, ana, TOLD, key)));
			expect(first.created).toBe(true);
			expect(retries.map((r) => r.id)).toEqual([first.id, first.id, first.id]);
			expect(retries.every((r) => !r.created)).toBe(true);
			const [count] = await db.query<{ n: number }>(
				`select count(*)::int as n from stories where workshop_id = $1`,
				[room.id]
			);
			expect(count!.n).toBe(1);
		});

		it('does not let a key someone else used stand for their story', async () => {
			const key = randomUUID();
			await stories.post(anaDb, ana, TOLD, key);
			await expect(stories.post(benDb, ben, { ...TOLD, title: 'Mine' }, key)).rejects.toThrow(
				stories.StoryRefusedError
			);
		});

		it('is refused with a reason outside Dream, while locked, and after the end', async () => {
			await workshops.setStage(facilitatorDb, room.id, 'grow');
			await expect(post(ana, anaDb)).rejects.toThrow('not open right now');
			await workshops.setStage(facilitatorDb, room.id, 'dream');
			await workshops.setPostingLocked(facilitatorDb, room.id, true);
			await expect(post(ana, anaDb)).rejects.toThrow('paused posting');
			await workshops.setPostingLocked(facilitatorDb, room.id, false);
			await workshops.end(facilitatorDb, room.id);
			await expect(post(ana, anaDb)).rejects.toThrow(PostingClosedError);
		});

		it('works while posts are hidden until a reveal, and the author still sees their own', async () => {
			await workshops.setHiddenUntilReveal(facilitatorDb, room.id, true);
			const { id } = await post(ana, anaDb);
			expect((await stories.mine(anaDb, ana)).map((s) => s.id)).toEqual([id]);
			expect(await benDb.query(`select id from stories where id = $1`, [id])).toEqual([]);
			await workshops.setHiddenUntilReveal(facilitatorDb, room.id, false);
			expect(await benDb.query(`select id from stories where id = $1`, [id])).toHaveLength(1);
		});

		it('names the author only when they chose the library with their name, from their joined name', async () => {
			const named = await post(ana, anaDb, { consent: 'library_named' });
			const anonymous = await post(ana, anaDb, { consent: 'library_anonymous' });
			const roomOnly = await post(ana, anaDb, { consent: 'room' });
			const names = await db.query<{ id: string; author_name: string | null }>(
				`select id, author_name from stories where workshop_id = $1`,
				[room.id]
			);
			const nameOf = (id: string) => names.find((row) => row.id === id)?.author_name;
			expect(nameOf(named.id)).toBe('Ana');
			expect(nameOf(anonymous.id)).toBeNull();
			expect(nameOf(roomOnly.id)).toBeNull();
		});

		it('cannot forge a name, and a participant without one cannot be named', async () => {
			await anaDb.query(
				`insert into stories (workshop_id, kind, perspective, title, body, consent, author_name, idempotency_key)
				 values ($1, 'good', 'customer', 'Forged', 'x', 'library_named', 'The CEO', gen_random_uuid())`,
				[room.id]
			);
			const [row] = await db.query<{ author_name: string }>(
				`select author_name from stories where title = 'Forged'`
			);
			expect(row!.author_name).toBe('Ana');
			await expect(post(ben, benDb, { consent: 'library_named' })).rejects.toThrow('without a name');
		});
	});

	describe('editing and deleting', () => {
		it('lets the author edit while Dream is open, and marks the story edited', async () => {
			const { id } = await post(ana, anaDb);
			await stories.edit(anaDb, ana, id, { ...TOLD, title: 'Rang back, as promised' });
			const [mine] = await stories.mine(anaDb, ana);
			expect(mine).toMatchObject({ id, title: 'Rang back, as promised', edited: true });
		});

		it('refuses edits and deletes by anyone but the author, and after Dream', async () => {
			const { id } = await post(ana, anaDb);
			await expect(stories.edit(benDb, ben, id, { ...TOLD, title: 'Hijacked' })).rejects.toThrow(
				PostingClosedError
			);
			await expect(
				facilitatorDb.query(`update stories set title = 'Edited by facilitator' where id = $1`, [id])
			).rejects.toMatchObject(REFUSED);
			await expect(stories.remove(benDb, ben, id)).rejects.toThrow(PostingClosedError);
			await workshops.setStage(facilitatorDb, room.id, 'grow');
			await expect(stories.edit(anaDb, ana, id, { ...TOLD, title: 'Too late' })).rejects.toThrow(
				'not open right now'
			);
			await expect(stories.remove(anaDb, ana, id)).rejects.toThrow(PostingClosedError);
			const [row] = await db.query<{ title: string }>(`select title from stories where id = $1`, [id]);
			expect(row!.title).toBe(TOLD.title);
		});

		it('lets the author delete their story while Dream is open', async () => {
			const { id } = await post(ana, anaDb);
			await stories.remove(anaDb, ana, id);
			expect(await db.query(`select id from stories where id = $1`, [id])).toEqual([]);
		});
	});

	describe('reactions', () => {
		it('count one of each kind per participant, can be taken back, and not on your own story', async () => {
			const { id } = await post(ana, anaDb);
			await stories.react(benDb, ben, id, 'heart', true);
			await stories.react(benDb, ben, id, 'heart', true);
			await stories.react(benDb, ben, id, 'clap', true);
			expect(await stories.reactionCounts(db, id)).toEqual({ heart: 1, clap: 1 });
			expect(await stories.myReactions(benDb, ben)).toEqual({ [id]: ['clap', 'heart'] });
			await stories.react(benDb, ben, id, 'heart', false);
			expect(await stories.reactionCounts(db, id)).toEqual({ clap: 1 });
			const [row] = await db.query<{ reaction_count: number }>(
				`select reaction_count from stories where id = $1`,
				[id]
			);
			expect(row!.reaction_count).toBe(1);
			await expect(stories.react(anaDb, ana, id, 'heart', true)).rejects.toThrow(stories.StoryRefusedError);
		});
	});

	describe('moderation', () => {
		it('hides a story from the room without deleting it; the facilitator still reads it, nameless', async () => {
			const { id } = await post(ana, anaDb, { consent: 'library_named' });
			expect(await stories.setHidden(facilitatorDb, room.id, id, true)).toBe(true);
			expect(await benDb.query(`select id from stories where id = $1`, [id])).toEqual([]);
			expect(await anaDb.query(`select id from stories where id = $1`, [id])).toHaveLength(1);
			const wall = await stories.cards(viewOf(db, room.id, 'facilitator'), room.id, 60);
			expect(wall).toMatchObject([{ id, hidden: true }]);
			expect(JSON.stringify(wall)).not.toContain('Ana');
			expect(await stories.cards(viewOf(db, room.id, 'screen'), room.id, 60)).toEqual([]);
			expect(await stories.cards(viewOf(db, room.id, 'participant'), room.id, 60)).toEqual([]);
		});

		it('lets only the facilitator hide or spotlight, and only stories of their own workshop', async () => {
			const { id } = await post(ana, anaDb);
			await expect(anaDb.query(`update stories set hidden = true where id = $1`, [id])).rejects.toMatchObject(
				REFUSED
			);
			expect(await stories.setHidden(leaderDb, room.id, id, true)).toBe(false);
			const elsewhere = await workshop(db, orgId, facilitatorId, { status: 'live', stage: 'dream' });
			expect(await stories.spotlight(facilitatorDb, elsewhere.id, id)).toBe(false);
			expect(await stories.spotlight(facilitatorDb, room.id, id)).toBe(true);
			expect(await stories.spotlight(leaderDb, room.id, null)).toBe(false);
			// Hiding the story in the spotlight takes it out of the spotlight.
			await stories.setHidden(facilitatorDb, room.id, id, true);
			const [row] = await db.query<{ spotlight_story_id: string | null }>(
				`select spotlight_story_id from workshops where id = $1`,
				[room.id]
			);
			expect(row!.spotlight_story_id).toBeNull();
		});
	});

	describe('the library', () => {
		it('takes library-consent stories when the workshop ends, attributed by name or "Anonymous"', async () => {
			const named = await post(ana, anaDb, { consent: 'library_named', title: 'Named tale' });
			const anonymous = await post(ben, benDb, { consent: 'library_anonymous', title: 'Quiet tale' });
			await post(ana, anaDb, { consent: 'room', title: 'Room tale' });
			const before = await library.search(leaderDb, orgId, { workshop: room.id }, 'newest', 1);
			expect(before.stories).toEqual([]);
			await workshops.end(facilitatorDb, room.id);
			const after = await library.search(leaderDb, orgId, { workshop: room.id }, 'newest', 1);
			expect(after.total).toBe(2);
			expect(after.stories.map((s) => [s.id, s.authorName]).sort()).toEqual(
				[
					[named.id, 'Ana'],
					[anonymous.id, null]
				].sort()
			);
		});

		it('never lets a leader or facilitator read who wrote an anonymous story', async () => {
			const { id } = await post(ben, benDb);
			await workshops.end(facilitatorDb, room.id);
			for (const handle of [leaderDb, facilitatorDb]) {
				expect(await handle.query(`select * from story_authors where story_id = $1`, [id])).toEqual([]);
				expect(await handle.query(`select * from story_authors`)).toEqual([]);
				const [row] = await handle.query<Record<string, unknown>>(`select * from stories where id = $1`, [
					id
				]);
				expect(row?.author_name).toBeNull();
				expect(Object.values(row!)).not.toContain(ben.id);
			}
			// The author still can.
			expect(await benDb.query(`select * from story_authors where story_id = $1`, [id])).toHaveLength(1);
		});

		it('finds a story by a word of its body, with the match marked in the snippet', async () => {
			const { id } = await post(ana, anaDb, { body: 'The courier waited in the rain for the signature.' });
			await workshops.end(facilitatorDb, room.id);
			const found = await library.search(leaderDb, orgId, { q: 'couriers', workshop: room.id }, 'newest', 1);
			expect(found.stories.map((s) => s.id)).toEqual([id]);
			expect(found.stories[0]!.snippetHtml).toContain('<mark>courier</mark>');
			const none = await library.search(
				leaderDb,
				orgId,
				{ q: 'courier -rain', workshop: room.id },
				'newest',
				1
			);
			expect(none.total).toBe(0);
		});

		it('filters by kind, perspective, theme, team and date, and sorts by reactions', async () => {
			const good = await post(ana, anaDb, { kind: 'good', themes: ['speed'] });
			const bad = await post(ben, benDb, { kind: 'bad', perspective: 'employee', themes: ['clarity'] });
			await stories.react(anaDb, ana, bad.id, 'sad', true);
			await db.query(`update workshops set team_name = 'Night shift' where id = $1`, [room.id]);
			await workshops.end(facilitatorDb, room.id);
			const ids = async (filters: library.LibraryFilters, sort: library.LibrarySort = 'newest') =>
				(await library.search(leaderDb, orgId, { workshop: room.id, ...filters }, sort, 1)).stories.map(
					(s) => s.id
				);
			expect(await ids({ kind: 'bad' })).toEqual([bad.id]);
			expect(await ids({ perspective: 'employee' })).toEqual([bad.id]);
			expect(await ids({ theme: 'speed' })).toEqual([good.id]);
			expect(await ids({ team: 'Night shift' })).toHaveLength(2);
			expect(await ids({ team: 'Day shift' })).toEqual([]);
			const today = new Date().toISOString().slice(0, 10);
			expect(await ids({ from: today, to: today })).toHaveLength(2);
			expect(await ids({ to: '2000-01-01' })).toEqual([]);
			expect((await ids({}, 'reacted'))[0]).toBe(bad.id);
		});

		it("is closed to participants and to other organisations' members", async () => {
			await post(ana, anaDb);
			await workshops.end(facilitatorDb, room.id);
			const other = await organisation(db, 'Other');
			const outsider = asMember(db, await member(db, other, 'owner'));
			expect((await library.search(outsider, orgId, {}, 'newest', 1)).total).toBe(0);
			expect((await library.search(anaDb, orgId, {}, 'newest', 1)).total).toBe(0);
		});

		it('features a story for the collection; members may, participants may not', async () => {
			const { id } = await post(ana, anaDb);
			await workshops.end(facilitatorDb, room.id);
			await expect(
				anaDb.query(`update stories set featured_at = now() where id = $1`, [id])
			).resolves.toEqual([]);
			expect(await library.setFeatured(leaderDb, id, true)).toBe(true);
			expect((await library.featured(leaderDb, orgId, 10)).map((s) => s.id)).toContain(id);
			expect(await library.setFeatured(leaderDb, id, false)).toBe(true);
			expect((await library.featured(leaderDb, orgId, 10)).map((s) => s.id)).not.toContain(id);
		});

		it('shows a story with the vision statement and rallying cry of its workshop', async () => {
			const { id } = await post(ana, anaDb);
			await db.query(
				`insert into vision_versions (workshop_id, version, body) values ($1, 1, 'We make it **easy**.')`,
				[room.id]
			);
			const [cry] = await db.query<{ id: string }>(
				`insert into rallying_cries (workshop_id, text) values ($1, 'Let''s Go!') returning id`,
				[room.id]
			);
			await db.query(`update workshops set rallying_cry_id = $2 where id = $1`, [room.id, cry!.id]);
			await workshops.end(facilitatorDb, room.id);
			const page = await library.story(leaderDb, id);
			expect(page?.story.html).toContain('<em>promised</em>');
			expect(page?.vision?.html).toContain('<strong>easy</strong>');
			expect(page?.rallyingCry).toBe("Let's Go!");
		});
	});
});
