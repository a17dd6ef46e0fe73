// Grow in real Chromium: phones name obstacles and place dots, the facilitator reveals the ranking
// and writes down an action, and the screen follows each step live.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
	browserSuite,
	clickControl,
	findChromium,
	LIVE_UPDATE_MS,
	PHONE,
	readmeScreenshot,
	signIn
} from './server';

const chromium = findChromium();

describe.skipIf(!chromium)('Grow in Chromium', () => {
	const suite = browserSuite(chromium!);
	let facilitator: Page;
	let screen: Page;
	const phones: Page[] = [];

	const control = (name: string | RegExp) => clickControl(facilitator, name);

	it('phones name obstacles in Grow; the screen lists them live', async () => {
		const desk = await suite.open({ viewport: { width: 1280, height: 900 } });
		facilitator = desk.page;
		await signIn(facilitator, 'demo@example.com', '/w/DEMO42/facilitate');
		screen = await desk.context.newPage();
		await screen.setViewportSize({ width: 1920, height: 1080 });
		await screen.goto('/w/DEMO42/screen');
		await control('Grow');
		for (const [name, obstacle] of [
			['Ana', 'Hand-offs lose the history'],
			['Ben', 'Nobody may refund without a manager']
		]) {
			const { page } = await suite.open(PHONE);
			await page.goto('/j/DEMO42');
			await page.getByLabel('Your name').fill(name!);
			await page.getByRole('button', { name: 'Join' }).click();
			await page.waitForURL('**/w/DEMO42/grow');
			await page.getByLabel('What gets in the way of excellent service?').fill(obstacle!);
			await page.getByRole('button', { name: 'Name this obstacle' }).click();
			await page.getByText('Added to the board').waitFor();
			phones.push(page);
		}
		const board = screen.getByRole('list', { name: 'Obstacles named' });
		await board.getByText('Nobody may refund without a manager').waitFor({ timeout: LIVE_UPDATE_MS });
	});

	it('dots are placed on phones, hidden until the facilitator reveals the ranking', async () => {
		await control('Open dot voting');
		const place = async (phone: Page, dots: Record<string, string>) => {
			await phone.getByText(/Place up to 3 dots/).waitFor({ timeout: LIVE_UPDATE_MS });
			for (const [obstacle, count] of Object.entries(dots)) {
				const add = phone.getByRole('button', { name: `Add a dot to ${obstacle}` });
				for (let dot = 0; dot < Number(count); dot++) await add.click();
			}
			await phone.getByRole('button', { name: 'Place my dots' }).click();
			await phone.getByText('Your dots are in').waitFor();
		};
		await place(phones[0]!, {
			'Hand-offs lose the history': '1',
			'Nobody may refund without a manager': '2'
		});
		await place(phones[1]!, { 'Nobody may refund without a manager': '3' });
		await screen.getByText('2 people have voted').waitFor({ timeout: LIVE_UPDATE_MS });
		expect(await screen.getByText('5', { exact: true }).count()).toBe(0); // no counts before the reveal
		// Someone without a phone: the facilitator enters their dot for them.
		await facilitator.getByText('Enter dots for someone without a phone').click();
		await facilitator.getByLabel('Their name').fill('Sam');
		await facilitator.getByRole('button', { name: 'Add a dot to Hand-offs lose the history' }).click();
		await control('Enter their dots');
		await screen.getByText('3 people have voted').waitFor({ timeout: LIVE_UPDATE_MS });
		await control('Close and reveal the ranking');
		const ranking = screen.getByRole('region', { name: 'Obstacles ranked by dots' });
		await ranking.waitFor({ timeout: LIVE_UPDATE_MS });
		const rows = await ranking.getByRole('listitem').allTextContents();
		expect(rows.map((row) => row.replace(/\s+/g, ' ').trim())).toEqual([
			'1 Nobody may refund without a manager 5',
			'2 Hand-offs lose the history 2'
		]);
	});

	it('the facilitator turns the top obstacle into an action; the screen shows it', async () => {
		await facilitator
			.getByLabel('For the obstacle')
			.selectOption({ label: 'Nobody may refund without a manager' });
		await facilitator.getByLabel('Action', { exact: true }).fill('Let agents refund up to £50');
		await facilitator.getByLabel('Owner').fill('Priya');
		await facilitator.getByLabel('Due').fill('2027-02-01');
		await control('Add the action');
		const action = screen
			.getByRole('list', { name: 'Actions' })
			.getByRole('listitem')
			.filter({ hasText: 'Let agents refund up to £50' });
		await action.waitFor({ timeout: LIVE_UPDATE_MS });
		expect(await action.textContent()).toContain('Priya · by 1 Feb 2027');
		await readmeScreenshot(screen, 'screen-grow.png');
	});
});
