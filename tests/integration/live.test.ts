// Live updates end to end below HTTP: database announcements → the hub → each audience's stream.
import type { Database, Handle } from '$lib/server/db';
import { openPostgres } from '$lib/server/db/postgres';
import * as moods from '$lib/server/moods';
import * as stories from '$lib/server/stories';
import * as votes from '$lib/server/votes';
import * as participants from '$lib/server/participants';
import { LiveHub } from '$lib/server/realtime';
import { deltasFor, snapshot } from '$lib/server/live';
import * as workshops from '$lib/server/workshops';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import { asMember, member, organisation, participant, workshop } from '../setup/fixtures';
import { recorder } from '../setup/streams';

const STORY: stories.StoryInput = {
	kind: 'good',
	perspective: 'customer',
	title: 'A story',
	body: 'She **promised** to ring back, and did.',
	feeling: null,
	company: null,
	themes: [],
	consent: 'library_named'
};

/** Versions that change nothing for an audience reach it this soon (the app waits a second). */
const TICK_MS = 100;

/**
 * Versions after the snapshot arrive in order with no gap and no repeat: each delta follows the
 * one before (directly, or across versions that changed nothing for this stream).
 */
function expectContiguous(stream: ReturnType<typeof recorder>) {
	let version = stream.events[0]!.data.version;
	for (const delta of stream.deltas()) {
		expect(delta.version).toBeGreaterThan(version);
		expect(delta.since ?? delta.version - 1).toBe(version);
		version = delta.version;
	}
}

describe.each(engines)('live updates on %s', (engine) => {
	let db: Database;
	let hub: LiveHub;
	let facilitatorId: string;
	let target: { id: string; joinCode: string };
	const screen = recorder('screen');
	const facilitator = recorder('facilitator');
	let phone: ReturnType<typeof recorder>;
	let phoneId: string;

	beforeAll(async () => {
		db = await freshDatabase(engine);
		hub = new LiveHub(db, TICK_MS);
		const org = await organisation(db, 'Org');
		facilitatorId = await member(db, org, 'facilitator');
		target = await workshop(db, org, facilitatorId, { status: 'draft' });
		phoneId = (await participant(db, target.joinCode, 'Ana')).id;
		phone = recorder('participant', phoneId);
		await hub.subscribe(target.id, screen.subscriber);
		await hub.subscribe(target.id, facilitator.subscriber);
		await hub.subscribe(target.id, phone.subscriber);
	});
	afterAll(async () => {
		await hub.close();
		await db.close();
	});

	const me = () => ({ id: phoneId, workshopId: target.id, joinCode: target.joinCode, displayName: 'Ana' });
	/** The workshop's version: every announcement moves it on, in the announcing transaction. */
	const workshopVersion = async () =>
		(await db.query<{ version: number }>(`select version from workshops where id = $1`, [target.id]))[0]!
			.version;
	const driver = () => asMember(db, facilitatorId);

	it('starts every stream with a snapshot at the current version, shaped for its audience', async () => {
		const [{ version }] = (await db.query(`select version from workshops where id = $1`, [target.id])) as [
			{ version: number }
		];
		for (const stream of [screen, facilitator, phone]) {
			expect(stream.events[0]).toMatchObject({ event: 'snapshot', data: { version } });
		}
		expect(screen.events[0]!.data.room).toMatchObject({ joined: 1, names: ['Ana'] });
		expect(phone.events[0]!.data.room).toBeNull();
	});

	it('a join reaches the screen with the name, and phones with a bare version tick later', async () => {
		const phoneDeltas = phone.deltas().length;
		await participant(db, target.joinCode, 'Ben');
		await expect.poll(() => screen.last()?.arrived).toBe('Ben');
		expect(screen.last()!.room).toEqual({ joined: 2 });
		await expect.poll(() => phone.last()?.version).toBe(screen.last()!.version);
		// Held, then told as one bare tick: nothing of the join itself reaches a phone.
		expect(
			phone
				.deltas()
				.slice(phoneDeltas)
				.map((delta) => Object.keys(delta).sort())
		).toEqual([['serverNow', 'since', 'version']]);
	});

	it('versions that change nothing for phones are held, then covered by one delta', async () => {
		const before = phone.deltas().length;
		const from = screen.last()!.version;
		await participant(db, target.joinCode, 'Cy');
		await participant(db, target.joinCode, 'Di');
		await expect.poll(() => screen.last()?.arrived).toBe('Di');
		await expect.poll(() => phone.last()?.version).toBe(from + 2);
		expect(phone.deltas().slice(before)).toEqual([
			{ version: from + 2, since: from, serverNow: expect.any(String) }
		]);
	});

	it("a stage change reaches every audience with the workshop's new state", async () => {
		expect(await workshops.setStage(driver(), target.id, 'explore')).toBe(true);
		for (const stream of [screen, facilitator, phone]) {
			await expect.poll(() => stream.last()?.workshop?.stage).toBe('explore');
			expect(stream.last()!.workshop).toMatchObject({ status: 'live', postingLocked: false });
		}
	});

	it('a mood reaches the wall and the counts; phones get only the tick', async () => {
		await moods.post(participants.asParticipant(db, me()), me(), { score: 4, line: 'Quick refund' });
		await expect.poll(() => screen.last()?.moodLine?.line).toBe('Quick refund');
		expect(screen.last()!.room!.moodCounts).toEqual([0, 0, 0, 1, 0]);
		await expect.poll(() => facilitator.last()?.moodLine).toMatchObject({ score: 4, line: 'Quick refund' });
		await expect.poll(() => phone.last()?.version).toBe(screen.last()!.version);
		expect(phone.last()!.moodLine).toBeUndefined();
	});

	it('while posts are hidden, the screen gets counts but no lines; the facilitator sees them', async () => {
		await workshops.setHiddenUntilReveal(driver(), target.id, true);
		await expect.poll(() => screen.lastWith('workshop')?.workshop?.hiddenUntilReveal).toBe(true);
		expect(screen.lastWith('room')!.room!.moodLines).toEqual([]);
		await moods.post(participants.asParticipant(db, me()), me(), { score: 2, line: 'Changed my mind' });
		await expect.poll(() => facilitator.last()?.moodLine?.line).toBe('Changed my mind');
		await expect.poll(() => screen.last()?.room?.moodCounts).toEqual([0, 1, 0, 0, 0]);
		expect(screen.last()!.moodLine).toBeUndefined();
		await workshops.setHiddenUntilReveal(driver(), target.id, false);
		await expect
			.poll(() => screen.lastWith('room')?.room?.moodLines?.map((l) => l.line))
			.toEqual(['Changed my mind']);
	});

	it('ready marks are counted for the current stage', async () => {
		await participants.setReady(participants.asParticipant(db, me()), me(), 'explore', true);
		await expect.poll(() => facilitator.last()?.room?.ready).toBe(1);
		await participants.setReady(participants.asParticipant(db, me()), me(), 'explore', false);
		await expect.poll(() => facilitator.last()?.room?.ready).toBe(0);
	});

	it('delivered every version to every stream, in order, with nothing lost', async () => {
		// The last changes were the room's: phones hear of them with the next tick.
		await expect.poll(() => phone.last()?.version).toBe(screen.last()!.version);
		for (const stream of [screen, facilitator, phone]) expectContiguous(stream);
	});

	it('a refused change announces nothing', async () => {
		const before = await workshopVersion();
		const outsider = await member(db, await organisation(db, 'Other'), 'owner');
		expect(await workshops.setStage(asMember(db, outsider), target.id, 'grow')).toBe(false);
		expect(await workshopVersion()).toBe(before);
	});

	describe('stories', () => {
		let storyId: string;
		const tell = (title: string) =>
			stories.post(participants.asParticipant(db, me()), me(), { ...STORY, title }, randomUUID());

		it('a story reaches the wall of every audience, rendered and without its author', async () => {
			await workshops.setStage(driver(), target.id, 'dream');
			storyId = (await tell('Rang back')).id;
			for (const stream of [screen, facilitator, phone]) {
				await expect.poll(() => stream.lastWith('story')?.story?.id).toBe(storyId);
				expect(stream.lastWith('story')!.story).toMatchObject({ title: 'Rang back', hidden: false });
				expect(stream.lastWith('story')!.story!.html).toContain('<strong>promised</strong>');
				expect(JSON.stringify(stream.lastWith('story'))).not.toContain('Ana');
			}
		});

		it("reactions reach everyone as counts, and the spotlight as the workshop's state", async () => {
			const ben = await participant(db, target.joinCode, 'Ben');
			const benMe = { id: ben.id, workshopId: target.id, joinCode: target.joinCode, displayName: 'Ben' };
			await stories.react(participants.asParticipant(db, benMe), benMe, storyId, 'clap', true);
			for (const stream of [screen, facilitator, phone]) {
				await expect
					.poll(() => stream.lastWith('reactions')?.reactions)
					.toEqual({ storyId, counts: { clap: 1 } });
			}
			await stories.spotlight(driver(), target.id, storyId);
			await expect.poll(() => screen.lastWith('workshop')?.workshop?.spotlight?.title).toBe('Rang back');
		});

		it('hidden until a reveal: only the facilitator gets new stories, then the reveal sends the wall', async () => {
			await workshops.setHiddenUntilReveal(driver(), target.id, true);
			await expect.poll(() => screen.lastWith('stories')?.stories).toEqual([]);
			const secret = (await tell('Not yet')).id;
			await expect.poll(() => facilitator.lastWith('story')?.story?.id).toBe(secret);
			await expect.poll(() => screen.lastWith('storyGone')?.storyGone).toBe(secret);
			expect(phone.lastWith('storyGone')?.storyGone).toBe(secret);
			await workshops.setHiddenUntilReveal(driver(), target.id, false);
			await expect
				.poll(() => screen.lastWith('stories')?.stories?.map((story) => story.title))
				.toEqual(['Not yet', 'Rang back']);
		});

		it('a hidden story leaves the wall and the spotlight; the facilitator keeps it, marked hidden', async () => {
			await stories.setHidden(driver(), target.id, storyId, true);
			await expect.poll(() => screen.lastWith('storyGone')?.storyGone).toBe(storyId);
			await expect
				.poll(() => facilitator.lastWith('story')?.story)
				.toMatchObject({ id: storyId, hidden: true });
			await expect.poll(() => screen.lastWith('workshop')?.workshop?.spotlight).toBeNull();
		});

		it('delivered every story change to every stream, in order, with nothing lost', () => {
			for (const stream of [screen, facilitator, phone]) expectContiguous(stream);
		});
	});

	describe('ballots', () => {
		it('a ballot, or a changed one, updates the count the facilitator peeks at; phones hear nothing of it', async () => {
			const cries: string[] = [];
			for (const text of ['Own it', 'Ring back']) {
				const [row] = await db.query<{ id: string }>(
					`insert into rallying_cries (workshop_id, text) values ($1, $2) returning id`,
					[target.id, text]
				);
				cries.push(row!.id);
			}
			const vote = (await votes.open(driver(), target.id, { subject: 'rallying_cry', method: 'single' }))!;
			// Deltas are read when told, so an earlier one may already show the vote open: wait for
			// the vote's own announcement, the workshop's version now.
			const opened = await workshopVersion();
			await expect.poll(() => phone.last()?.version).toBe(opened);
			expect(phone.lastWith('excite')?.excite?.vote?.status).toBe('open');
			const phoneDeltas = phone.deltas().length;
			// A ballot's delta is its vote alone, recounted: the cries have not changed.
			const peek = () => facilitator.lastWith('recounted')?.recounted;

			await votes.cast(participants.asParticipant(db, me()), me(), vote.id, [cries[0]!]);
			await expect.poll(() => peek()?.result?.winners).toEqual([cries[0]]);
			await expect
				.poll(() => screen.lastWith('recounted')?.recounted)
				.toMatchObject({ ballots: 1, result: null });
			const told = phone.deltas().slice(phoneDeltas);
			expect(told.filter((delta) => delta.excite !== undefined || delta.recounted !== undefined)).toEqual([]);

			await votes.cast(participants.asParticipant(db, me()), me(), vote.id, [cries[1]!]);
			await expect.poll(() => peek()?.result?.winners).toEqual([cries[1]]);
			expect(peek()!.ballots).toBe(1);

			// Sending the same ballot again (a retry) announces nothing: the next change the panel
			// hears of is the one after it, at the very next version.
			const announced = facilitator.deltas().length;
			const version = facilitator.last()!.version;
			await votes.cast(participants.asParticipant(db, me()), me(), vote.id, [cries[1]!]);
			await votes.cast(participants.asParticipant(db, me()), me(), vote.id, [cries[0]!]);
			await expect.poll(() => peek()?.result?.winners).toEqual([cries[0]]);
			expect(facilitator.deltas().slice(announced)).toEqual([
				expect.objectContaining({ version: version + 1, recounted: expect.anything() })
			]);
		});
	});
});

describe.each(engines)('a stream opened while changes are being told, on %s', (engine) => {
	/** A live workshop on a fresh database, with a hub of its own; both closed after the test. */
	/** A live workshop and a hub of its own, reading through `hubDb` (the database, by default). */
	async function liveRoom(hubDb: (db: Database) => Database = (db) => db) {
		const db = await freshDatabase(engine);
		const hub = new LiveHub(hubDb(db), TICK_MS);
		onTestFinished(async () => {
			await hub.close();
			await db.close();
		});
		const org = await organisation(db, 'Org');
		const facilitatorId = await member(db, org, 'facilitator');
		const room = await workshop(db, org, facilitatorId, { status: 'live' });
		return { db, hub, facilitatorId, room };
	}

	it('gets its snapshot before any delta, and every version after it', async () => {
		const { db, hub, room } = await liveRoom();
		const screen = recorder('screen');
		await hub.subscribe(room.id, screen.subscriber);

		// A second screen opens the moment the first is told of the first of twenty arrivals, while
		// the hub is still writing that delta and the others queue up behind it.
		const late = recorder('screen');
		let opening: Promise<unknown> | undefined;
		const write = screen.subscriber.write;
		screen.subscriber.write = (chunk) => {
			const written = write(chunk);
			if (screen.deltas().length > 0) opening ??= hub.subscribe(room.id, late.subscriber);
			return written;
		};
		const arrivals = Promise.all(
			Array.from({ length: 20 }, (_, n) => participant(db, room.joinCode, `Guest ${n + 1}`))
		);
		await expect.poll(() => opening).toBeDefined();
		await opening;
		await arrivals;
		await expect.poll(() => late.events.at(-1)?.data.room?.joined).toBe(20);

		expect(late.events[0]!.event).toBe('snapshot');
		// After it, as a client applies them: those it already holds are skipped, the rest follow on.
		let version = late.events[0]!.data.version;
		for (const delta of late.deltas().filter((delta) => delta.version > version)) {
			expect(delta.since ?? delta.version - 1).toBeLessThanOrEqual(version);
			version = delta.version;
		}
	});

	it('is sent the snapshot already read with the deltas told since, which bring it to now', async () => {
		const { db, hub, facilitatorId, room } = await liveRoom();
		const first = recorder('screen');
		await hub.subscribe(room.id, first.subscriber);
		const read = first.events[0]!.data;
		for (const name of ['Ana', 'Ben', 'Cy']) await participant(db, room.joinCode, name);
		await expect.poll(() => first.last()?.arrived).toBe('Cy');

		// A room reconnecting at once needs no new read per stream: the snapshot read for the first,
		// then what the screens were told since, in order.
		const late = recorder('screen');
		await hub.subscribe(room.id, late.subscriber);
		expect(late.events[0]).toEqual(first.events[0]);
		expect(late.deltas()).toEqual(first.deltas());
		// Applied as a client applies them, they give the room as it is now.
		let version = read.version;
		const names = [...read.room!.names];
		for (const delta of late.deltas()) {
			expect(delta.since ?? delta.version - 1).toBeLessThanOrEqual(version);
			version = delta.version;
			if (delta.arrived) names.unshift(delta.arrived);
		}
		const now = await snapshot(db, room.id, 'screen');
		expect(version).toBe(now!.version);
		expect(names).toEqual(now!.room!.names);

		// After a change of the workshop itself (a stage), a new stream starts from a fresh read.
		expect(await workshops.setStage(asMember(db, facilitatorId), room.id, 'dream')).toBe(true);
		await expect.poll(() => first.last()?.workshop?.stage).toBe('dream');
		const after = recorder('screen');
		await hub.subscribe(room.id, after.subscriber);
		expect(after.events).toHaveLength(1);
		expect(after.events[0]!.data).toMatchObject({
			version: first.last()!.version,
			workshop: { stage: 'dream' }
		});
	});

	it('ends the streams a failed read left behind; they come back to the room as it is', async () => {
		// The database refuses the hub's reads for a while (a failover, a dropped connection).
		let failing = false;
		const failingWhileAsked = (db: Database): Database =>
			Object.assign(Object.create(db) as Database, {
				transaction: <T>(fn: (tx: Handle) => Promise<T>) =>
					failing ? Promise.reject(new Error('the database is unreachable')) : db.transaction(fn)
			});
		const { db, hub, room } = await liveRoom(failingWhileAsked);
		const screen = recorder('screen');
		await hub.subscribe(room.id, screen.subscriber);

		failing = true;
		await participant(db, room.joinCode, 'Ana');
		// Its delta could not be read: rather than wait, perhaps for ever, for a later change to show
		// the gap, the stream ends and its client reconnects.
		await expect.poll(() => screen.state.closed).toBe(true);
		expect(screen.deltas()).toEqual([]);
		// A stream whose snapshot cannot be read ends too, with nothing sent.
		const refused = recorder('screen');
		await hub.subscribe(room.id, refused.subscriber);
		expect(refused.state.closed).toBe(true);
		expect(refused.events).toEqual([]);

		failing = false;
		const back = recorder('screen');
		await hub.subscribe(room.id, back.subscriber);
		const now = await snapshot(db, room.id, 'screen');
		expect(back.events).toEqual([{ event: 'snapshot', data: { ...now, serverNow: expect.any(String) } }]);
		expect(now!.room!.names).toEqual(['Ana']);
	});

	it('reads a snapshot anew once its audience was sent a delta that does not follow on', async () => {
		const { db, hub, room } = await liveRoom();
		const first = recorder('screen');
		await hub.subscribe(room.id, first.subscriber);
		const read = first.events[0]!.data.version;
		// An announcement that skips a version, which a client takes as a change it missed.
		const channel = `workshop_${room.id.replaceAll('-', '')}`;
		const skipping = { v: read + 2, what: 'joined', ref: null };
		await db.query(`select pg_notify($1, $2)`, [channel, JSON.stringify(skipping)]);
		await expect.poll(() => first.deltas().at(-1)?.version).toBe(read + 2);

		// Given the kept snapshot and that delta, a stream would start over from them, again and again.
		const late = recorder('screen');
		await hub.subscribe(room.id, late.subscriber);
		expect(late.events.map((event) => event.event)).toEqual(['snapshot']);
	});

	it('of announcements heard together, reads each row once: its last change carries it', async () => {
		const { db, room } = await liveRoom();
		const ana = await participant(db, room.joinCode, 'Ana');
		const deltas = await deltasFor(
			db,
			room.id,
			[
				{ v: 7, what: 'workshop', ref: null },
				{ v: 8, what: 'joined', ref: ana.id },
				{ v: 9, what: 'workshop', ref: null }
			],
			'screen'
		);
		expect(deltas!.map((delta) => Object.keys(delta).sort())).toEqual([
			['serverNow', 'version'],
			expect.arrayContaining(['arrived', 'version']),
			expect.arrayContaining(['workshop', 'version'])
		]);
		expect(deltas!.map((delta) => delta.version)).toEqual([7, 8, 9]);
	});
});

describe.each(engines)('driving a workshop on %s', (engine) => {
	let db: Database;
	let org: string;
	let facilitatorId: string;
	beforeAll(async () => {
		db = await freshDatabase(engine);
		org = await organisation(db, 'Org');
		facilitatorId = await member(db, org, 'facilitator');
	});
	afterAll(() => db.close());
	const driver = () => asMember(db, facilitatorId);
	const row = async (id: string) =>
		(
			await db.query<{
				ends_in: number | null;
				paused: number | null;
				settings: Record<string, { prompt?: string }>;
			}>(
				`select extract(epoch from timer_ends_at - now())::float as ends_in, timer_paused_ms as paused,
				        stage_settings as settings
				 from workshops where id = $1`,
				[id]
			)
		)[0]!;

	it('runs the countdown: start, pause, +1 minute, resume, reset', async () => {
		const { id } = await workshop(db, org, facilitatorId, { stage: 'explore' });
		expect(await workshops.timer(driver(), id, 'start', 120)).toBe(true);
		expect((await row(id)).ends_in).toBeGreaterThan(118);
		expect(await workshops.timer(driver(), id, 'resume')).toBe(false); // not paused: nothing to resume
		expect(await workshops.timer(driver(), id, 'pause')).toBe(true);
		const paused = await row(id);
		expect(paused.ends_in).toBeNull();
		expect(paused.paused).toBeGreaterThan(118_000);
		expect(await workshops.timer(driver(), id, 'add-minute')).toBe(true);
		expect((await row(id)).paused).toBeGreaterThan(178_000);
		expect(await workshops.timer(driver(), id, 'resume')).toBe(true);
		expect((await row(id)).ends_in).toBeGreaterThan(177);
		expect(await workshops.timer(driver(), id, 'reset')).toBe(true);
		expect(await row(id)).toMatchObject({ ends_in: null, paused: null });
	});

	it('sets and clears a custom prompt per stage', async () => {
		const { id } = await workshop(db, org, facilitatorId);
		await workshops.setPrompt(driver(), id, 'explore', 'How did your last delivery feel?');
		expect((await row(id)).settings).toEqual({ explore: { prompt: 'How did your last delivery feel?' } });
		await workshops.setPrompt(driver(), id, 'explore', '');
		expect((await row(id)).settings).toEqual({ explore: {} });
	});

	it('a locked stage refuses posts with a clear reason, and unlocking lets them in', async () => {
		const target = await workshop(db, org, facilitatorId, { stage: 'explore' });
		const phone = await participant(db, target.joinCode);
		const me = { id: phone.id, workshopId: target.id, joinCode: target.joinCode, displayName: null };
		const asPhone = participants.asParticipant(db, me);
		await workshops.setPostingLocked(driver(), target.id, true);
		await expect(moods.post(asPhone, me, { score: 3, line: null })).rejects.toThrow('paused posting');
		await workshops.setPostingLocked(driver(), target.id, false);
		await moods.post(asPhone, me, { score: 3, line: null });
		await workshops.setStage(driver(), target.id, 'dream');
		await expect(moods.post(asPhone, me, { score: 5, line: null })).rejects.toThrow('not open right now');
		expect(await moods.mine(asPhone, me)).toEqual({ score: 3, line: null });
	});

	it('ending moves consenting stories into the library and closes the workshop', async () => {
		const target = await workshop(db, org, facilitatorId, { stage: 'dream' });
		const author = await participant(db, target.joinCode);
		const asAuthor = participants.asParticipant(db, {
			id: author.id,
			workshopId: target.id,
			joinCode: target.joinCode,
			displayName: null
		});
		for (const consent of ['room', 'library_anonymous']) {
			await asAuthor.query(
				`insert into stories (workshop_id, kind, perspective, title, body, consent, idempotency_key)
				 values ($1, 'good', 'customer', 't', 'b', $2, gen_random_uuid())`,
				[target.id, consent]
			);
		}
		const leader = await member(db, org, 'leader');
		expect(await workshops.end(asMember(db, leader), target.id)).toBe(false);
		expect(await workshops.end(driver(), target.id)).toBe(true);
		expect(await workshops.end(driver(), target.id)).toBe(false);
		const stories = await db.query<{ consent: string; in_library: boolean }>(
			`select consent, library_at is not null as in_library from stories where workshop_id = $1 order by consent`,
			[target.id]
		);
		expect(stories).toEqual([
			{ consent: 'library_anonymous', in_library: true },
			{ consent: 'room', in_library: false }
		]);
		await expect(participants.join(db, target.joinCode, null)).rejects.toBeInstanceOf(
			participants.NoSuchWorkshopError
		);
		expect(await workshops.setStage(driver(), target.id, 'lobby')).toBe(false);
	});

	it('a screen link opens its workshop until it is replaced or revoked', async () => {
		const target = await workshop(db, org, facilitatorId);
		const leader = await member(db, org, 'leader');
		expect(await workshops.createScreenLink(asMember(db, leader), target.id)).toBeNull();
		const first = (await workshops.createScreenLink(driver(), target.id))!;
		expect(await workshops.forScreenLink(db, target.joinCode, first)).toBe(target.id);
		expect(await workshops.forScreenLink(db, 'ZZZZZZ', first)).toBeNull();
		const second = (await workshops.createScreenLink(driver(), target.id))!;
		expect(await workshops.forScreenLink(db, target.joinCode, first)).toBeNull();
		expect(await workshops.forScreenLink(db, target.joinCode, second)).toBe(target.id);
		await workshops.revokeScreenLink(driver(), target.id);
		expect(await workshops.forScreenLink(db, target.joinCode, second)).toBeNull();
	});

	it('creates a workshop with custom prompts, and anyone with the code may preview it', async () => {
		const { joinCode } = await workshops.create(driver(), facilitatorId, org, {
			title: 'Night shift',
			teamName: 'Support',
			prompts: { explore: 'Your last late-night call?', dream: '' }
		});
		const [created] = await db.query<{ stage_settings: unknown }>(
			`select stage_settings from workshops where join_code = $1`,
			[joinCode]
		);
		expect(created!.stage_settings).toEqual({ explore: { prompt: 'Your last late-night call?' } });
		expect(await workshops.preview(db, joinCode.toLowerCase())).toEqual({
			title: 'Night shift',
			teamName: 'Support',
			status: 'draft',
			joiningClosed: false
		});
	});
});

// Two app instances are two hubs on two connection pools to one PostgreSQL: both must show the
// same live state, because both hear every announcement the database makes.
describe.skipIf(!engines.includes('postgres'))('two app instances on one PostgreSQL', () => {
	let setup: Database & { url?: string };
	let instanceA: Database;
	let instanceB: Database;
	let hubA: LiveHub;
	let hubB: LiveHub;

	beforeAll(async () => {
		setup = await freshDatabase('postgres');
		instanceA = openPostgres(setup.url!, { max: 3 });
		instanceB = openPostgres(setup.url!, { max: 3 });
		hubA = new LiveHub(instanceA, TICK_MS);
		hubB = new LiveHub(instanceB, TICK_MS);
	});
	afterAll(async () => {
		await hubA.close();
		await hubB.close();
		await instanceA.close();
		await instanceB.close();
		await setup.close();
	});

	it('a change made through one instance reaches the screens and phones of both, identically', async () => {
		const org = await organisation(setup, 'Org');
		const facilitatorId = await member(setup, org, 'facilitator');
		const target = await workshop(setup, org, facilitatorId, { status: 'draft' });
		const screenA = recorder('screen');
		const screenB = recorder('screen');
		const phoneB = recorder('participant');
		await hubA.subscribe(target.id, screenA.subscriber);
		await hubB.subscribe(target.id, screenB.subscriber);
		await hubB.subscribe(target.id, phoneB.subscriber);

		// Writes go through instance A only.
		const phone = await participant(instanceA, target.joinCode, 'Kiri');
		await workshops.setStage(asMember(instanceA, facilitatorId), target.id, 'explore');
		const me = { id: phone.id, workshopId: target.id, joinCode: target.joinCode, displayName: 'Kiri' };
		await moods.post(participants.asParticipant(instanceA, me), me, {
			score: 5,
			line: 'Fixed on the first call'
		});

		await expect.poll(() => screenB.last()?.moodLine?.line).toBe('Fixed on the first call');
		await expect.poll(() => screenA.last()?.version).toBe(screenB.last()!.version);
		// Same versions, in the same order, on both instances…
		const versions = (stream: ReturnType<typeof recorder>) => stream.deltas().map((d) => d.version);
		expect(versions(screenA)).toEqual(versions(screenB));
		expect(versions(screenB)).toEqual([1, 2, 3].map((n) => screenB.events[0]!.data.version + n));
		// …and the same state once the last change is in. (A delta carries the state as the instance
		// read it, which may already include a later change; the next delta then repeats it.)
		const { serverNow: _a, ...lastA } = screenA.last()!;
		const { serverNow: _b, ...lastB } = screenB.last()!;
		expect(lastA).toEqual(lastB);
		expect(screenA.deltas().find((d) => d.workshop)?.workshop?.stage).toBe('explore');
		await expect.poll(() => phoneB.last()?.version).toBe(screenB.last()!.version);
		expect(phoneB.deltas().find((d) => d.workshop)?.workshop?.stage).toBe('explore');
	});
});
