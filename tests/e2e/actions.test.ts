// Actions followed up, in real Chromium: the owner marks one of the demo workshop's actions done on
// the Actions page and the charter shows it; a leader reads and filters them, downloads them, and
// finds nothing to change.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { axeViolations } from './axe';
import { browserSuite, findChromium, signIn } from './server';

const chromium = findChromium();
const FINISHED = 'KCK7QP'; // the demo's ended workshop
const CASE_OWNERSHIP = 'Introduce case ownership: first contact owns the case to closure';
const PILOT = 'Pilot a shared interaction history across billing and support';

describe.skipIf(!chromium)('the Actions page in Chromium', () => {
	const suite = browserSuite(chromium!);

	it('the owner marks an action done with a note; the log and the charter show it', async () => {
		const { page } = await suite.open({ viewport: { width: 1280, height: 900 } });
		await signIn(page, 'demo@example.com', '/actions');
		expect(await axeViolations(page)).toEqual([]);
		const action = page.getByRole('article', { name: CASE_OWNERSHIP });
		await action.getByLabel('Status').selectOption('done');
		await action.getByLabel('Note').fill('Every case now has a named owner.');
		await action.getByRole('button', { name: 'Save update' }).click();
		await page.getByRole('status').getByText('Update saved.').waitFor();
		await action.getByText(/Done: Every case now has a named owner\./).waitFor();

		await page.goto(`/w/${FINISHED}/charter`);
		const line = page.locator('.action', { hasText: CASE_OWNERSHIP });
		expect(await line.textContent()).toContain('Done:');
		expect(await page.locator('.action', { hasText: PILOT }).textContent()).toContain('In progress:');
	});

	it('a leader filters the actions, reads their log, downloads them, and may change nothing', async () => {
		const { page } = await suite.open({ viewport: { width: 390, height: 844 } });
		await signIn(page, 'leader@example.com', '/actions');
		await page.getByLabel('Status', { exact: true }).selectOption('in_progress');
		await page.getByRole('button', { name: 'Show' }).click();
		await page.waitForURL((url) => url.searchParams.get('status') === 'in_progress');
		const pilot = page.getByRole('article', { name: PILOT });
		await pilot.getByText('IT scoping next week').waitFor();
		expect(await page.getByRole('article').count()).toBe(1);
		expect(await page.getByRole('button', { name: /Save update|Save owner/ }).count()).toBe(0);
		expect(await axeViolations(page)).toEqual([]);

		const [csv] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('link', { name: 'CSV' }).click()
		]);
		const rows = (await readFile((await csv.path())!, 'utf8')).trim().split('\r\n');
		expect(rows).toHaveLength(2);
		expect(rows[1]).toContain(PILOT);

		const [calendar] = await Promise.all([
			page.waitForEvent('download'),
			pilot.getByRole('link', { name: /Add to calendar/ }).click()
		]);
		const ics = await readFile((await calendar.path())!, 'utf8');
		expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(1);
		expect(ics.replace(/\r\n /g, '')).toContain(`SUMMARY:Due: ${PILOT}`);

		// Posting an update anyway is refused by the database, and said so.
		const id = await pilot.getByRole('link', { name: /Add to calendar/ }).getAttribute('href');
		const response = await page.request.post('/actions?/update', {
			form: { id: new URLSearchParams(id!.split('?')[1]).get('id')!, status: 'done', note: '' },
			headers: { origin: suite.server.url }
		});
		expect(await response.text()).toContain(
			'Only the action’s owner and its workshop’s facilitators update it.'
		);
	});
});
