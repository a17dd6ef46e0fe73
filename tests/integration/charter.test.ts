// The charter of the demo's finished workshop, as a leader, a participant and a stranger read it.
import { charter, charterMarkdown } from '$lib/server/charter';
import type { Database } from '$lib/server/db';
import { DEMO_LEADER_EMAIL, seedDemo } from '$lib/server/demo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import { asMember, asParticipant, member, organisation } from '../setup/fixtures';

const FINISHED = 'KCK7QP';

describe.each(engines)('the charter on %s', (engine) => {
	let db: Database;
	let leaderId: string;

	beforeAll(async () => {
		db = await freshDatabase(engine);
		await seedDemo(db, 'demo password 123');
		const [leader] = await db.query<{ id: string }>(`select id from users where email = $1`, [
			DEMO_LEADER_EMAIL
		]);
		leaderId = leader!.id;
	});
	afterAll(() => db.close());

	it('gathers the vision, the rallying cry, the top stories and the obstacles ranked by dots', async () => {
		const read = (await charter(asMember(db, leaderId), FINISHED))!;
		expect(read.rallyingCry).toBe("Let's Go!");
		expect(read.vision?.version).toBeGreaterThan(1);
		expect(read.vision?.html).toMatch(/^<p>/);
		const dots = read.obstacles.map((obstacle) => obstacle.dots!);
		expect(dots).toEqual([...dots].sort((a, b) => b - a));
		expect(dots[0]).toBeGreaterThan(0);
		expect(read.obstacles[0]!.fixes.length).toBeGreaterThan(0);
		expect(read.actions.map((action) => action.ownerName)).toEqual(['Marco', 'Priya']);
		expect(read.stories.good.length + read.stories.bad.length).toBeGreaterThan(0);
		for (const kind of ['good', 'bad'] as const) {
			const reactions = read.stories[kind].map((story) => story.reactions);
			expect(reactions).toEqual([...reactions].sort((a, b) => b - a));
		}
	});

	it('shows a leader only stories shared to the library; a participant of the workshop sees its own room', async () => {
		const leaders = (await charter(asMember(db, leaderId), FINISHED))!;
		const titles = [...leaders.stories.good, ...leaders.stories.bad].map((story) => story.title);
		const roomOnly = await db.query<{ title: string }>(
			`select s.title from stories s join workshops w on w.id = s.workshop_id where w.join_code = $1 and s.consent = 'room'`,
			[FINISHED]
		);
		expect(roomOnly.length).toBeGreaterThan(0);
		for (const { title } of roomOnly) expect(titles).not.toContain(title);
		const [someone] = await db.query<{ id: string }>(
			`select p.id from participants p join workshops w on w.id = p.workshop_id where w.join_code = $1 limit 1`,
			[FINISHED]
		);
		expect((await charter(asParticipant(db, someone!.id), FINISHED))?.rallyingCry).toBe("Let's Go!");
	});

	it('is nothing to anyone outside the organisation or the workshop', async () => {
		const stranger = asMember(db, await member(db, await organisation(db, 'Other'), 'owner'));
		expect(await charter(stranger, FINISHED)).toBeNull();
	});

	it('exports as Markdown with every part, in order', async () => {
		const markdown = charterMarkdown(
			(await charter(asMember(db, leaderId), FINISHED))!,
			'https://cx.example'
		);
		const headings = markdown.split('\n').filter((line) => line.startsWith('## '));
		expect(headings).toEqual([
			'## Our vision',
			'## Our rallying cry',
			'## Stories of great service',
			'## Stories of service to do better',
			'## Obstacles we will move',
			'## Actions'
		]);
		expect(markdown).toContain("**Let's Go!**");
		expect(markdown).toContain('- [ ] Introduce case ownership');
		expect(markdown).toContain(`https://cx.example/w/${FINISHED}/charter`);
	});
});
