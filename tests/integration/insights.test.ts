// Every figure on the Insights page against a fixture counted by hand: four ended workshops of one
// organisation in the period and the one before, with what must never count alongside — stories
// kept for the room, a hidden story and obstacle, a private vision, a live workshop, a workshop
// too old, and another organisation's workshop. Members of every role read the same figures;
// anyone else reads nothing at all.
import type { Database, Handle } from '$lib/server/db';
import {
	readInsights,
	withPlainVisions,
	type InsightFilters,
	type Insights
} from '$lib/server/insights/read';
import { insightTable, tableCsv } from '$lib/server/insights/tables';
import * as participants from '$lib/server/participants';
import * as votes from '$lib/server/votes';
import * as workshops from '$lib/server/workshops';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import { asMember, asParticipant, member, organisation, participant, workshop } from '../setup/fixtures';

const DAY_MS = 86_400_000;
const dayBefore = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString().slice(0, 10);
const monthBefore = (days: number) => dayBefore(days).slice(0, 7);
/** The period: the last 60 days (the one before: the 60 days before them). */
const PERIOD: InsightFilters = { from: dayBefore(60), to: dayBefore(0) };

interface StorySpec {
	kind: 'good' | 'bad';
	consent: 'room' | 'library_anonymous' | 'library_named';
	themes?: string[];
	hidden?: boolean;
}

describe.each(engines)('Insights on %s', (engine) => {
	let db: Database;
	let org: string;
	let facilitator: string;
	const readers: Record<string, Handle> = {};
	const ids: Record<string, string> = {};
	let outsider: Handle;
	let participantHandle: Handle;

	/** A workshop of `orgId` in Grow, run by `by`, with `people` joined. */
	async function room(orgId: string, by: string, title: string, team: string | null, people = 0) {
		const w = await workshop(db, orgId, by, { stage: 'grow' });
		await db.query(`update workshops set title = $2, team_name = $3 where id = $1`, [w.id, title, team]);
		const joined: participants.Participant[] = [];
		for (let i = 0; i < people; i++) {
			const name = `${title} person ${i + 1}`;
			const { id } = await participant(db, w.joinCode, name);
			joined.push({ id, workshopId: w.id, joinCode: w.joinCode, displayName: name });
		}
		return { ...w, people: joined };
	}

	async function stories(workshopId: string, specs: StorySpec[]) {
		for (const [i, spec] of specs.entries()) {
			await db.query(
				`insert into stories (workshop_id, kind, perspective, title, body, consent, themes, hidden, idempotency_key)
				 values ($1, $2, 'customer', $3, 'What happened', $4, $5, $6, gen_random_uuid())`,
				[workshopId, spec.kind, `Story ${i + 1}`, spec.consent, spec.themes ?? [], spec.hidden ?? false]
			);
		}
	}

	async function obstacle(workshopId: string, text: string, hidden = false): Promise<string> {
		const [row] = await db.query<{ id: string }>(
			`insert into obstacles (workshop_id, text, hidden) values ($1, $2, $3) returning id`,
			[workshopId, text, hidden]
		);
		return row!.id;
	}

	/** A dot vote on the workshop's obstacles, cast and revealed: each ballot is a list of dots. */
	async function dotVote(w: { id: string; people: participants.Participant[] }, ballots: string[][]) {
		const as = asMember(db, facilitator);
		const vote = (await votes.open(as, w.id, {
			subject: 'obstacles',
			method: 'dot',
			dots: 5,
			mayStack: true
		}))!;
		for (const [i, choices] of ballots.entries()) {
			const me = w.people[i]!;
			await votes.cast(participants.asParticipant(db, me), me, vote.id, choices);
		}
		await votes.reveal(as, vote.id);
	}

	async function action(
		workshopId: string,
		status: string,
		dueIn: number | null,
		obstacleId: string | null = null
	) {
		await db.query(
			`insert into action_items (workshop_id, obstacle_id, title, owner_name, due_on, status)
			 values ($1, $2, 'Do it', 'Sam', current_date + $3::int, $4)`,
			[workshopId, obstacleId, dueIn, status]
		);
	}

	/** Ends the workshop as its facilitator (stories join the library), then moves it `daysAgo` back. */
	async function end(workshopId: string, daysAgo: number) {
		expect(await workshops.end(asMember(db, facilitator), workshopId)).toBe(true);
		await db.query(`update workshops set ended_at = ended_at - make_interval(days => $2) where id = $1`, [
			workshopId,
			daysAgo
		]);
		await db.query(
			`update stories set library_at = library_at - make_interval(days => $2) where workshop_id = $1 and library_at is not null`,
			[workshopId, daysAgo]
		);
	}

	beforeAll(async () => {
		db = await freshDatabase(engine);
		org = await organisation(db, 'Insights Ltd');
		facilitator = await member(db, org, 'facilitator', 'Fay');
		for (const role of ['owner', 'leader'] as const)
			readers[role] = asMember(db, await member(db, org, role));
		readers.facilitator = asMember(db, facilitator);
		const elsewhere = await organisation(db, 'Elsewhere');
		const stranger = await member(db, elsewhere, 'facilitator', 'Stan');
		outsider = asMember(db, stranger);

		// Care, 10 days ago.
		const spring = await room(org, facilitator, 'Care spring', 'Care', 4);
		ids.spring = spring.id;
		await stories(spring.id, [
			{ kind: 'good', consent: 'library_anonymous', themes: ['speed', 'empathy'] },
			{ kind: 'good', consent: 'library_named', themes: ['speed'] },
			{ kind: 'good', consent: 'library_anonymous' },
			{ kind: 'bad', consent: 'library_anonymous', themes: ['speed'] },
			{ kind: 'bad', consent: 'room', themes: ['speed'] },
			{ kind: 'bad', consent: 'room', themes: ['speed'] },
			{ kind: 'good', consent: 'library_anonymous', themes: ['speed'], hidden: true }
		]);
		const handOffs = await obstacle(spring.id, 'Slow hand-offs between teams');
		const refunds = await obstacle(spring.id, 'Refund approvals take too long');
		await obstacle(spring.id, 'Slow handoffs between teams', true);
		await dotVote(spring, [
			[handOffs, handOffs, handOffs],
			[handOffs, handOffs, refunds, refunds]
		]);
		await action(spring.id, 'done', -2, handOffs);
		await action(spring.id, 'open', 14);
		for (const [i, score] of [5, 4, 4].entries()) {
			await db.query(`insert into moods (workshop_id, participant_id, score) values ($1, $2, $3)`, [
				spring.id,
				spring.people[i]!.id,
				score
			]);
		}
		await db.query(
			`insert into vision_versions (workshop_id, version, body) values ($1, 1, 'We answer **fast**')`,
			[spring.id]
		);
		await db.query(
			`insert into vision_versions (workshop_id, version, body) values ($1, 2, 'We answer *fast* and own it')`,
			[spring.id]
		);
		const [cry] = await db.query<{ id: string }>(
			`insert into rallying_cries (workshop_id, text) values ($1, 'Let''s Go!') returning id`,
			[spring.id]
		);
		await db.query(`update workshops set rallying_cry_id = $2 where id = $1`, [spring.id, cry!.id]);
		for (const [i, consent] of ['private', 'room', 'library_anonymous', 'library_named'].entries()) {
			await db.query(
				`insert into personal_visions (workshop_id, participant_id, vision, consent) values ($1, $2, 'Heard', $3)`,
				[spring.id, spring.people[i]!.id, consent]
			);
		}
		await end(spring.id, 10);

		// Sales, 20 days ago.
		const sales = await room(org, facilitator, 'Sales day', 'Sales', 2);
		ids.sales = sales.id;
		await stories(sales.id, [
			{ kind: 'good', consent: 'library_named', themes: ['clarity'] },
			{ kind: 'good', consent: 'library_anonymous' },
			{ kind: 'bad', consent: 'room', themes: ['clarity'] }
		]);
		const salesHandOffs = await obstacle(sales.id, 'slow hand-offs between teams!');
		const salesRefunds = await obstacle(sales.id, 'Refund approvals take far too long');
		await dotVote(sales, [[salesHandOffs, salesHandOffs, salesHandOffs, salesRefunds]]);
		await action(sales.id, 'in_progress', -1);
		await action(sales.id, 'open', null, salesHandOffs);
		await db.query(`insert into moods (workshop_id, participant_id, score) values ($1, $2, 2)`, [
			sales.id,
			sales.people[0]!.id
		]);
		await db.query(
			`insert into vision_versions (workshop_id, version, body) values ($1, 1, 'Every customer heard')`,
			[sales.id]
		);
		await db.query(
			`insert into personal_visions (workshop_id, participant_id, vision, consent) values ($1, $2, 'Mine', 'private')`,
			[sales.id, sales.people[0]!.id]
		);
		await end(sales.id, 20);

		// Care, 40 days ago: no vote revealed.
		const summer = await room(org, facilitator, 'Care summer', 'Care');
		ids.summer = summer.id;
		await stories(summer.id, [
			{ kind: 'good', consent: 'library_anonymous', themes: ['empathy'] },
			{ kind: 'bad', consent: 'library_anonymous', themes: ['ownership'] },
			{ kind: 'bad', consent: 'library_named', themes: ['ownership', 'speed'] },
			{ kind: 'good', consent: 'room', themes: ['empathy'] }
		]);
		await obstacle(summer.id, 'Handoffs between teams are slow');
		await obstacle(summer.id, 'Nobody owns the callback');
		await action(summer.id, 'open', -5);
		await action(summer.id, 'dropped', 3);
		await end(summer.id, 40);

		// The period before: Care, 90 days ago.
		const older = await room(org, facilitator, 'Old care', 'Care');
		await stories(older.id, [
			{ kind: 'good', consent: 'library_anonymous', themes: ['speed'] },
			{ kind: 'bad', consent: 'library_anonymous', themes: ['empathy'] }
		]);
		await obstacle(older.id, 'Slow hand-offs between teams');
		await action(older.id, 'done', -60);
		await end(older.id, 90);

		// Never counted: too old, still live, another organisation's.
		const ancient = await room(org, facilitator, 'Ancient', 'Care');
		await stories(ancient.id, [{ kind: 'bad', consent: 'library_anonymous', themes: ['speed'] }]);
		await end(ancient.id, 200);
		const live = await room(org, facilitator, 'Still running', 'Care', 1);
		await stories(live.id, [{ kind: 'good', consent: 'library_anonymous', themes: ['speed'] }]);
		await obstacle(live.id, 'Slow hand-offs between teams');
		const theirFacilitator = facilitator;
		facilitator = stranger;
		const theirs = await room(elsewhere, stranger, 'Their day', 'Care', 1);
		await stories(
			theirs.id,
			Array(5).fill({ kind: 'good', consent: 'library_anonymous', themes: ['speed'] })
		);
		await obstacle(theirs.id, 'Slow hand-offs between teams');
		await obstacle(theirs.id, 'Refund approvals take too long');
		await db.query(`insert into moods (workshop_id, participant_id, score) values ($1, $2, 1)`, [
			theirs.id,
			theirs.people[0]!.id
		]);
		await end(theirs.id, 10);
		facilitator = theirFacilitator;
		participantHandle = asParticipant(db, live.people[0]!.id);
	});
	afterAll(() => db?.close());

	const read = (as: Handle, filters: InsightFilters = PERIOD) =>
		as.transaction((tx) => readInsights(tx, org, filters));

	it('counts library stories by kind, month and team, and never those kept for the room or hidden', async () => {
		const { stories, workshops } = await read(readers.leader!);
		expect(workshops.map((w) => w.title)).toEqual(['Care spring', 'Sales day', 'Care summer']);
		expect([stories.good, stories.bad]).toEqual([6, 3]);
		const month = (counts: { months: { month: string; good: number; bad: number }[] }, m: string) =>
			counts.months
				.filter((c) => c.month === m)
				.reduce((sum, c) => [sum[0]! + c.good, sum[1]! + c.bad], [0, 0]);
		// Three stories of Care spring (10 days ago), two of Sales day (20), three of Care summer (40).
		const expected = new Map<string, [number, number]>();
		for (const [days, good, bad] of [
			[10, 3, 1],
			[20, 2, 0],
			[40, 1, 2]
		] as const) {
			const [g, b] = expected.get(monthBefore(days)) ?? [0, 0];
			expected.set(monthBefore(days), [g + good, b + bad]);
		}
		for (const [m, counts] of expected) expect(month(stories, m)).toEqual(counts);
		expect(stories.months.reduce((sum, m) => sum + m.good + m.bad, 0)).toBe(9);
		expect(stories.teams.map((t) => [t.team, t.good, t.bad])).toEqual([
			['Care', 4, 3],
			['Sales', 2, 0]
		]);
	});

	it('ranks themes and measures each against the period before', async () => {
		const { themes } = await read(readers.leader!);
		expect(themes).toEqual([
			{ theme: 'speed', stories: 4, previous: 1 },
			{ theme: 'empathy', stories: 2, previous: 1 },
			{ theme: 'ownership', stories: 2, previous: 0 },
			{ theme: 'clarity', stories: 1, previous: 0 }
		]);
	});

	it('groups obstacles worded alike, counts their workshops, dots and actions, and keeps those met once out', async () => {
		const { obstacles } = await read(readers.leader!);
		// Care spring's hidden rewording, the live workshop's and the other organisation's do not count;
		// "Nobody owns the callback" was named in one workshop only.
		expect(obstacles.map((o) => ({ ...o, workshops: o.workshops.map((w) => w.title) }))).toEqual([
			{
				text: 'Handoffs between teams are slow',
				mentions: 3,
				dots: 5 + 3,
				actions: 2,
				workshopCount: 3,
				workshops: ['Care spring', 'Sales day', 'Care summer']
			},
			{
				text: 'Refund approvals take far too long',
				mentions: 2,
				dots: 2 + 1,
				actions: 0,
				workshopCount: 2,
				workshops: ['Care spring', 'Sales day']
			}
		]);
	});

	it('shows each workshop’s moods as counts by score', async () => {
		const { moods } = await read(readers.leader!);
		expect(moods.map((m) => [m.title, m.counts, m.people, m.average])).toEqual([
			['Care spring', [0, 0, 0, 2, 1], 3, 4.3],
			['Sales day', [0, 1, 0, 0, 0], 1, 2]
		]);
	});

	it('puts each workshop’s latest vision statement and its rallying cry side by side, with the visions shared', async () => {
		const { outcomes } = await read(readers.leader!);
		expect(outcomes[0]!.vision).toBe('We answer *fast* and own it');
		expect(
			withPlainVisions(outcomes).map((o) => [o.title, o.vision, o.rallyingCry, o.sharedVisions])
		).toEqual([
			['Care spring', 'We answer fast and own it', "Let's Go!", 2],
			['Sales day', 'Every customer heard', null, 0],
			['Care summer', null, null, 0]
		]);
	});

	it('counts actions done, open, overdue and dropped per team', async () => {
		const { actions } = await read(readers.leader!);
		expect(actions).toEqual([
			{ team: 'Care', done: 1, open: 1, overdue: 1, dropped: 1 },
			{ team: 'Sales', done: 0, open: 1, overdue: 1, dropped: 0 }
		]);
	});

	it('narrows every figure to a team or one workshop', async () => {
		const sales = await read(readers.leader!, { ...PERIOD, team: 'Sales' });
		expect(sales.workshops.map((w) => w.title)).toEqual(['Sales day']);
		expect([sales.stories.good, sales.stories.bad]).toEqual([2, 0]);
		expect(sales.themes).toEqual([{ theme: 'clarity', stories: 1, previous: 0 }]);
		expect(sales.obstacles).toEqual([]);
		expect(sales.moods.map((m) => m.title)).toEqual(['Sales day']);
		expect(sales.actions.map((a) => a.team)).toEqual(['Sales']);
		const summer = await read(readers.leader!, { ...PERIOD, workshop: ids.summer });
		expect([summer.stories.good, summer.stories.bad]).toEqual([1, 2]);
		expect(summer.outcomes.map((o) => o.title)).toEqual(['Care summer']);
		expect(summer.actions).toEqual([{ team: 'Care', done: 0, open: 0, overdue: 1, dropped: 1 }]);
	});

	it('gives every member the same figures, and anyone else none', async () => {
		const leader = await read(readers.leader!);
		for (const role of ['owner', 'facilitator']) expect(await read(readers[role]!)).toEqual(leader);
		for (const stranger of [outsider, participantHandle]) {
			const seen: Insights = await read(stranger);
			expect(seen.workshops).toEqual([]);
			expect([seen.stories.good, seen.stories.bad, seen.stories.teams]).toEqual([0, 0, []]);
			expect([seen.themes, seen.obstacles, seen.moods, seen.outcomes, seen.actions]).toEqual([
				[],
				[],
				[],
				[],
				[]
			]);
		}
		// Asked directly, the functions behind the obstacles and moods answer only members.
		for (const fn of ['insight_obstacles', 'insight_moods']) {
			await expect(
				outsider.query(`select * from app.${fn}($1, $2)`, [org, [ids.spring, ids.sales]])
			).resolves.toEqual([]);
		}
	});

	it('downloads each figure as the table the page shows', async () => {
		const insights = await read(readers.leader!);
		const csv = tableCsv(insightTable(insights, 'themes'));
		expect(csv.split('\r\n')).toEqual([
			'\uFEFF"Theme","Stories","Stories in the period before","Change"',
			'"speed","4","1","up 3 on the period before"',
			'"empathy","2","1","up 1 on the period before"',
			'"ownership","2","0","new this period"',
			'"clarity","1","0","new this period"',
			''
		]);
		expect(insightTable(insights, 'actions').rows).toEqual([
			['Care', 1, 1, 1, 1],
			['Sales', 0, 1, 1, 0]
		]);
	});

	it('keeps the tallies true as stories leave the library or their workshop goes', async () => {
		const hide = await db.query<{ id: string }>(
			`update stories set hidden = true
			 where id = (select id from stories where workshop_id = $1 and kind = 'good' and library_at is not null
			             and 'empathy' = any (themes)) returning id`,
			[ids.spring]
		);
		expect(hide).toHaveLength(1);
		const afterHiding = await read(readers.leader!);
		expect([afterHiding.stories.good, afterHiding.stories.bad]).toEqual([5, 3]);
		expect(afterHiding.themes.find((t) => t.theme === 'empathy')?.stories).toBe(1);
		await db.query(`delete from workshops where id = $1`, [ids.summer]);
		const afterDeleting = await read(readers.leader!);
		expect([afterDeleting.stories.good, afterDeleting.stories.bad]).toEqual([4, 1]);
		// The hidden story was about speed too.
		expect(afterDeleting.themes.map((t) => [t.theme, t.stories])).toEqual([
			['speed', 2],
			['clarity', 1]
		]);
	});
});
