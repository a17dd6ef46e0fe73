// The Insights page in real Chromium, over the demo organisation with a year of ended workshops
// behind it: a leader reads every figure, filters by team with a link that keeps the filter, opens
// a figure's data and downloads it as CSV; axe finds nothing, in light and dark, wide and narrow.
// SCREENSHOT=1 also writes the README's picture of the page.
import { closeDatabase, openDatabase, type Database } from '$lib/server/db';
import { seedDemo } from '$lib/server/demo';
import { PGlite } from '@electric-sql/pglite';
import { readFile } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import { axeViolations } from './axe';
import { browserSuite, DEMO_PASSWORD, findChromium, readmeScreenshot, signIn } from './server';

const chromium = findChromium();
const TEAMS = ['Customer Care, Melbourne', 'Billing & Support', 'Retail Stores'];
/** Obstacles rooms keep naming, each in the wordings different rooms gave it. */
const OBSTACLES = [
	['Nobody owns the case end to end', 'nobody owns the case end-to-end', 'No one owns the case end to end'],
	['Refund approvals take too long', 'Refund approvals take far too long'],
	['Billing system crashes at month end', 'Billing systems crash at month-end'],
	['Scripts sound robotic'],
	['Customers repeat their story to every agent']
];
const THEMES = ['follow-through', 'ownership', 'empathy', 'speed', 'clarity'];
const CRIES = ["Let's Go!", 'Own it!', 'Heard, helped, happy', 'One call, done'];
/** Past workshops: how many months ago each ended. */
const PAST = [1, 2, 3, 4, 5, 6, 8, 10, 11];

/** Ended workshops of the demo organisation, one a month or so, with all a room leaves behind. */
async function seedHistory(db: Database): Promise<void> {
	const [demo] = await db.query<{ orgId: string; userId: string }>(
		`select org_id as "orgId", user_id as "userId" from memberships where role = 'owner' limit 1`
	);
	for (const [index, monthsAgo] of PAST.entries()) {
		const team = TEAMS[index % TEAMS.length]!;
		const [room] = await db.query<{ id: string }>(
			`insert into workshops (org_id, title, team_name, join_code, created_by, status, stage, ended_at)
			 values ($1, $2, $3, $4, $5, 'ended', 'wrapup', now() - make_interval(days => $6))
			 returning id`,
			[
				demo!.orgId,
				`${team.split(',')[0]} workshop ${index + 1}`,
				team,
				`PAST${'ABCDEFGHJ'[index]}K`,
				demo!.userId,
				monthsAgo * 30
			]
		);
		const people = await db.query<{ id: string }>(
			`insert into participants (workshop_id, display_name)
			 select $1, 'Person ' || n from generate_series(1, 8) n returning id`,
			[room!.id]
		);
		for (const [i, person] of people.entries()) {
			await db.query(`insert into moods (workshop_id, participant_id, score) values ($1, $2, $3)`, [
				room!.id,
				person.id,
				1 + ((i * 3 + index) % 5)
			]);
		}
		// Good stories grow as the months go by; the room keeps one for itself.
		const good = 2 + Math.round((11 - monthsAgo) / 3);
		for (let i = 0; i < good + 3; i++) {
			await db.query(
				`insert into stories (workshop_id, kind, perspective, title, body, consent, themes, idempotency_key, library_at)
				 values ($1, $2, 'customer', $3, 'What happened, and how it felt.', $4, $5, gen_random_uuid(),
				         case when $4 <> 'room' then now() - make_interval(days => $6) end)`,
				[
					room!.id,
					i < good ? 'good' : 'bad',
					`Story ${i + 1}`,
					i === 0 ? 'room' : 'library_anonymous',
					[THEMES[(i + index) % THEMES.length], THEMES[(i * 2 + 1) % THEMES.length]],
					monthsAgo * 30
				]
			);
		}
		const named: string[] = [];
		for (let i = 0; i < 3; i++) {
			const wordings = OBSTACLES[(index + i) % OBSTACLES.length]!;
			const [obstacle] = await db.query<{ id: string }>(
				`insert into obstacles (workshop_id, text) values ($1, $2) returning id`,
				[room!.id, wordings[index % wordings.length]]
			);
			named.push(obstacle!.id);
		}
		// The dot vote as it was revealed then (written as a restore would: triggers off for it).
		await db.transaction(async (tx) => {
			await tx.query(`set local session_replication_role = replica`);
			await tx.query(
				`insert into votes (workshop_id, subject, method, dots, status, closed_at, revealed_at, result, labels)
				 values ($1, 'obstacles', 'dot', 3, 'revealed', now(), now(), $2, '{}')`,
				[
					room!.id,
					JSON.stringify({
						method: 'dot',
						ballots: 8,
						rounds: [],
						winners: [named[0]],
						totals: named.map((option, i) => ({ option, votes: 9 - i * 3 }))
					})
				]
			);
		});
		for (const [i, status] of (['done', monthsAgo > 3 ? 'open' : 'in_progress'] as const).entries()) {
			await db.query(
				`insert into action_items (workshop_id, obstacle_id, title, owner_name, due_on, status)
				 values ($1, $2, $3, 'Sam', (now() - make_interval(days => $4))::date, $5)`,
				[room!.id, named[i], `Action ${i + 1}`, monthsAgo * 30 - 21, status]
			);
		}
		await db.query(`insert into vision_versions (workshop_id, version, body) values ($1, 1, $2)`, [
			room!.id,
			`Every customer of ${team} leaves feeling heard, helped and respected.`
		]);
		const [cry] = await db.query<{ id: string }>(
			`insert into rallying_cries (workshop_id, text) values ($1, $2) returning id`,
			[room!.id, CRIES[index % CRIES.length]]
		);
		await db.query(`update workshops set rallying_cry_id = $2 where id = $1`, [room!.id, cry!.id]);
	}
}

describe.skipIf(!chromium)('the Insights page in Chromium', () => {
	const suite = browserSuite(chromium!, {
		prepare: async (dataDir) => {
			const snapshot = new Blob([await readFile(inject('pgliteSnapshot'))]);
			await (await PGlite.create({ dataDir: `${dataDir}/pgdata`, loadDataDir: snapshot })).close();
			const db = await openDatabase({ DATA_DIR: dataDir });
			try {
				await seedDemo(db, DEMO_PASSWORD);
				await seedHistory(db);
			} finally {
				await closeDatabase();
			}
		}
	});

	it('a leader reads every figure, filters by team, and downloads a figure as CSV', async () => {
		const { page } = await suite.open({ viewport: { width: 1280, height: 900 } });
		await signIn(page, 'leader@example.com', '/insights');
		const headings = await page.getByRole('heading', { level: 2 }).allTextContents();
		expect(headings).toEqual([
			'Good and bad stories, month by month',
			'Themes, most told first',
			'Obstacles that keep coming back',
			'How people felt in Explore',
			'Vision statements and rallying cries',
			'Actions by team'
		]);
		// The demo's finished workshop and the nine before it, all in the last twelve months.
		await page.getByText(/10 workshops/).waitFor();
		const obstacles = page.getByRole('region', { name: 'Obstacles that keep coming back' });
		// Its three wordings are one obstacle, named in five of the past workshops (the 1st, 4th, 5th, 6th, 9th).
		const caseOwnership = obstacles
			.getByRole('listitem')
			.filter({ hasText: /owns the case end.to.end/i })
			.first();
		expect(await caseOwnership.textContent()).toMatch(/5 workshops/);
		expect(await axeViolations(page)).toEqual([]);
		await readmeScreenshot(page, 'insights.png');

		await page.getByLabel('Team', { exact: true }).selectOption('Retail Stores');
		await page.getByRole('button', { name: 'Show' }).click();
		await page.waitForURL((url) => url.searchParams.get('team') === 'Retail Stores');
		await page.getByText(/3 workshops/).waitFor();
		const actions = page.getByRole('region', { name: 'Actions by team' });
		await actions.getByText('Retail Stores').first().waitFor();
		expect(await actions.getByText('Customer Care, Melbourne').count()).toBe(0);

		const themes = page.getByRole('region', { name: 'Themes, most told first' });
		await themes.getByText('Show the data').click();
		const table = themes.getByRole('table');
		expect(await table.getByRole('columnheader').allTextContents()).toEqual([
			'Theme',
			'Stories',
			'Stories in the period before',
			'Change'
		]);
		const shown = await table.locator('tbody tr').count();
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			themes.getByRole('link', { name: /Download CSV/ }).click()
		]);
		const rows = (await readFile((await download.path())!, 'utf8')).trim().split('\r\n');
		expect(rows[0]!.replace(/^\uFEFF/, '')).toBe('"Theme","Stories","Stories in the period before","Change"');
		expect(rows).toHaveLength(shown + 1);
		expect(download.suggestedFilename()).toMatch(
			/^insights-themes-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/
		);
	});

	it('reads well on a phone and in dark mode, with nothing for axe to find', async () => {
		const { page } = await suite.open({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
		await signIn(page, 'leader@example.com', '/insights');
		await page.getByRole('heading', { name: 'Insights', level: 1 }).waitFor();
		expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
		expect(await axeViolations(page)).toEqual([]);
		// The page sends no JavaScript: everything is drawn on the server.
		expect(await page.locator('script[src], link[rel=modulepreload]').count()).toBe(0);
	});

	it('sends anyone signed out to sign in, and refuses a CSV of no known figure', async () => {
		const { page } = await suite.open();
		await page.goto('/insights?team=Retail+Stores');
		await page.waitForURL((url) => url.pathname === '/login');
		expect(new URL(page.url()).searchParams.get('next')).toBe('/insights?team=Retail+Stores');
		await signIn(page, 'leader@example.com', '/insights');
		const response = await page.request.get('/insights/export.csv?section=everything');
		expect(response.status()).toBe(400);
		expect(await response.text()).toContain('section=stories');
	});
});
