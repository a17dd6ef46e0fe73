// An owner deletes an ended workshop from the workshops page, in real Chromium: asked first, told
// after, and the workshop, its charter and its stories are gone.
import { describe, expect, it } from 'vitest';
import { axeViolations } from './axe';
import { browserSuite, findChromium, signIn } from './server';

const chromium = findChromium();
const FINISHED = { code: 'KCK7QP', title: 'Service excellence kick-off' }; // the demo's ended workshop

describe.skipIf(!chromium)('deleting a workshop in Chromium', () => {
	const suite = browserSuite(chromium!);

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
