// An owner's data, in real Chromium: the owner downloads all of the organisation's data, then deletes
// an ended workshop from the workshops page — asked first, told after, its charter gone.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { axeViolations } from './axe';
import { browserSuite, findChromium, signIn } from './server';

const chromium = findChromium();
const FINISHED = { code: 'KCK7QP', title: 'Service excellence kick-off' }; // the demo's ended workshop

describe.skipIf(!chromium)('an owner’s data in Chromium', () => {
	const suite = browserSuite(chromium!);

	it('the owner downloads all of the organisation’s data from the organisation page', async () => {
		const { page } = await suite.open({ viewport: { width: 1280, height: 900 } });
		await signIn(page, 'demo@example.com', '/org');
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('link', { name: 'Download all (JSON)' }).click()
		]);
		expect(download.suggestedFilename()).toMatch(/^cx-workshop-organisation-\d{4}-\d{2}-\d{2}\.json$/);
		const data = JSON.parse(await readFile((await download.path())!, 'utf8'));
		expect(data.organisation.name).toBe('Harbour Telecom (demo)');
		expect(data.workshops.map((w: { join_code: string }) => w.join_code)).toContain(FINISHED.code);
		expect(data.rooms.stories.length).toBeGreaterThan(0);
	});

	it('the owner sets how long room-only stories and names are kept, and is told a wrong number', async () => {
		const { page } = await suite.open({ viewport: { width: 1280, height: 900 } });
		await signIn(page, 'demo@example.com', '/org');
		const days = page.getByLabel('Days to keep room-only stories and participants’ names');
		const save = page.getByRole('region', { name: 'Keeping data' }).getByRole('button', { name: 'Save' });
		await days.fill('0');
		await save.click();
		await page.getByText('Give a number of days, from 1 to 3,650, or leave it empty.').waitFor();
		await days.fill('30');
		await save.click();
		await page.getByRole('status').getByText('now go 30 days after a workshop ends').waitFor();
		await page.reload();
		expect(await days.inputValue()).toBe('30');
		expect(await axeViolations(page)).toEqual([]);
	});

	it('the owner deletes the ended workshop: asked first, told after, its charter gone', async () => {
		const { page } = await suite.open({ viewport: { width: 1280, height: 900 } });
		await signIn(page, 'demo@example.com', '/workshops');
		expect((await page.request.get(`/w/${FINISHED.code}/charter`)).status()).toBe(200);

		const card = page
			.getByRole('listitem')
			.filter({ has: page.getByRole('heading', { name: FINISHED.title }) });
		await card.locator('summary').click();
		await card.getByText('for good: its').waitFor();
		expect(await axeViolations(page)).toEqual([]);
		await card.getByRole('button', { name: `Delete “${FINISHED.title}” for good` }).click();

		await page.getByRole('status').getByText(`Deleted “${FINISHED.title}”`).waitFor();
		expect(await page.getByRole('heading', { name: FINISHED.title }).count()).toBe(0);
		expect((await page.request.get(`/w/${FINISHED.code}/charter`)).status()).toBe(404);
	});
});
