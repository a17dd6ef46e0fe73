// Results that stay true, in real Chromium: the facilitator's peek stays open while ballots arrive;
// after the reveal, hiding the winning cry and a ballot sent late change nothing on the screen or
// on any phone. Then Grow from the panel: a duplicate obstacle merged with its fix, the fixes in
// view while writing an action, and a dot-vote tie for the top settled.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations } from './axe';
import { browserSuite, clickControl, findChromium, LIVE_UPDATE_MS, PHONE, signIn } from './server';

const chromium = findChromium();
const CRIES = ["Let's Go!", 'Customers first', 'Own it'];

describe.skipIf(!chromium)('results that stay true in Chromium', () => {
	const suite = browserSuite(chromium!);
	let facilitator: Page;
	let screen: Page;
	const phones: Page[] = [];
	const control = (name: string | RegExp) => clickControl(facilitator, name);
	const phoneResult = (phone: Page) => phone.getByRole('region', { name: 'Our rallying cry' });
	// The screen's reveal moves from the headline to the count; its rounds are listed for screen
	// readers all along, in the words of the reveal.
	const screenResult = () => screen.getByRole('list', { name: 'Every round of the count' });

	it('three phones join in Excite and propose cries', async () => {
		const desk = await suite.open({ viewport: { width: 1280, height: 900 } });
		facilitator = desk.page;
		await signIn(facilitator, 'demo@example.com', '/w/DEMO42/facilitate');
		screen = await desk.context.newPage();
		await screen.setViewportSize({ width: 1280, height: 720 });
		await screen.goto('/w/DEMO42/screen');
		await control('Excite');
		for (const [index, name] of ['Ana', 'Ben', 'Cara'].entries()) {
			const { page } = await suite.open(PHONE);
			await page.goto('/j/DEMO42');
			await page.getByLabel('Your name').fill(name);
			await page.getByRole('button', { name: 'Join' }).click();
			await page.waitForURL('**/w/DEMO42/excite');
			await page.getByLabel('Propose a rallying cry').fill(CRIES[index]!);
			await page.getByRole('button', { name: 'Propose' }).click();
			await page.getByText('✓ Proposed.').waitFor();
			phones.push(page);
		}
		await screen.getByRole('list', { name: 'Rallying cries proposed' }).getByText('Own it').waitFor();
	});

	it('the peek stays open while ballots arrive', async () => {
		await facilitator.getByLabel('One choice each').check();
		await control('Open voting');
		const vote = async (phone: Page, cry: string) => {
			await phone.getByRole('radio', { name: cry }).check({ timeout: LIVE_UPDATE_MS });
			await phone.getByRole('button', { name: 'Cast my vote' }).click();
			await phone.getByText('Your vote is in').waitFor();
		};
		await vote(phones[0]!, "Let's Go!");
		await facilitator.getByText(/Voting is open · 1 ballot$/).waitFor({ timeout: LIVE_UPDATE_MS });
		const peek = facilitator.locator('details', { hasText: 'Peek at the count' });
		await peek.getByText('Peek at the count (only you see it)').click();
		await peek.getByText('1 ballot', { exact: true }).waitFor();
		await vote(phones[1]!, "Let's Go!");
		await vote(phones[2]!, 'Customers first');
		// Two more ballots have reached the panel, and the peek is still open, with them counted.
		await peek.getByText('3 ballots', { exact: true }).waitFor({ timeout: LIVE_UPDATE_MS });
		expect(await peek.evaluate((details: HTMLDetailsElement) => details.open)).toBe(true);
		expect(await peek.getByRole('listitem').first().textContent()).toMatch(/Let's Go!\s*2/);
	});

	it('after the reveal, a hidden cry and a late ballot leave the screen and the phones as revealed', async () => {
		// What a phone's ballot form would send for "Customers first", read while it is still on show.
		const late = phones[2]!;
		const voteId = await late.locator('input[name="vote"]').inputValue();
		const choice = await late.getByRole('radio', { name: 'Customers first' }).inputValue();

		await control('Close and reveal');
		const pages = [screen, ...phones];
		await Promise.all(
			pages.map((page) =>
				page.getByRole('status').filter({ hasText: "🏆 Let's Go!" }).waitFor({ timeout: LIVE_UPDATE_MS })
			)
		);
		const revealed = await Promise.all(
			[screenResult(), ...phones.map(phoneResult)].map((r) => r.innerText())
		);
		expect(revealed[0]).toMatch(/Round 1: Let's Go! 2/);

		// The winning cry hidden after the reveal, and a ballot sent late from a phone.
		await control("Hide Let's Go!");
		await facilitator.getByRole('button', { name: "Show Let's Go!" }).waitFor();
		const answer = await late.request.post('/w/DEMO42/excite?/vote', {
			form: { vote: voteId, choice },
			headers: { origin: suite.server.url, 'x-sveltekit-action': 'true' }
		});
		const body = (await answer.json()) as { type: string; status: number; data: string };
		expect([body.type, body.status]).toEqual(['failure', 409]);
		expect(body.data).toContain('This vote is closed.');

		// A later change reaches every page after those (the timer; the screen, taken over by the
		// result, shows no timer: it has seen the panel's version); the results are as revealed.
		await control('Start timer');
		await Promise.all(phones.map((page) => page.locator('.timer time').waitFor({ timeout: LIVE_UPDATE_MS })));
		const version = Number(await facilitator.locator('main').getAttribute('data-version'));
		await expect
			.poll(async () => Number(await screen.locator('.screen').getAttribute('data-version')))
			.toBeGreaterThanOrEqual(version);
		const after = await Promise.all([screenResult(), ...phones.map(phoneResult)].map((r) => r.innerText()));
		expect(after).toEqual(revealed);
		expect(after.join('\n')).not.toContain('withdrawn');
	});

	it('Grow: a duplicate merges with its fix, the action form shows the fixes, and a dot-vote tie is settled', async () => {
		await control('Grow');
		const obstacles = [
			'Hand-offs lose the history',
			'Nobody knows what was said before',
			'No refunds without a manager'
		];
		for (const [index, phone] of phones.entries()) {
			await phone.waitForURL('**/w/DEMO42/grow', { timeout: LIVE_UPDATE_MS });
			await phone.getByLabel('What gets in the way of excellent service?').fill(obstacles[index]!);
			await phone.getByRole('button', { name: 'Name this obstacle' }).click();
			await phone.getByText('Added to the board').waitFor();
		}
		const duplicate = phones[0]!.getByRole('article', { name: obstacles[1] });
		await duplicate.getByText('Suggest a fix').click();
		await duplicate.getByLabel('How could we move it?').fill('One shared case history');
		await duplicate.getByRole('button', { name: 'Suggest' }).click();
		await facilitator.getByText(`${obstacles[1]} · 1 fix`).waitFor({ timeout: LIVE_UPDATE_MS });

		await facilitator.getByText('Merge duplicate obstacles').click();
		await facilitator.getByLabel('Merge this duplicate').selectOption({ label: obstacles[1] });
		await facilitator.getByLabel('into', { exact: true }).selectOption({ label: obstacles[0] });
		await control('Merge');
		await facilitator.getByText(`${obstacles[0]} · 1 fix`).waitFor({ timeout: LIVE_UPDATE_MS });
		const board = screen.getByRole('list', { name: 'Obstacles named' });
		await board.getByText(obstacles[0]!).waitFor({ timeout: LIVE_UPDATE_MS });
		expect((await board.getByRole('listitem').allTextContents()).map((text) => text.trim())).toEqual([
			`${obstacles[0]} 1 fix suggested`,
			obstacles[2]
		]);

		await facilitator.getByLabel('For the obstacle').selectOption({ label: obstacles[0] });
		await facilitator.locator('#action-fixes').getByText('One shared case history').waitFor();

		await control('Open dot voting');
		for (const [phone, obstacle] of [
			[phones[0]!, obstacles[0]!],
			[phones[1]!, obstacles[2]!]
		] as const) {
			await phone
				.getByRole('button', { name: `Add a dot to ${obstacle}` })
				.click({ timeout: LIVE_UPDATE_MS });
			await phone.getByRole('button', { name: 'Place my dots' }).click();
			await phone.getByText('Your dots are in').waitFor();
		}
		await control('Close and reveal the ranking');
		const settle = facilitator.getByRole('group', { name: /Settle the tie/ });
		await settle.waitFor({ timeout: LIVE_UPDATE_MS });
		expect(await axeViolations(facilitator)).toEqual([]);
		await control(`Put “${obstacles[2]}” first`);
		await facilitator
			.getByRole('status')
			.filter({ hasText: `🏆 ${obstacles[2]} — chosen by the facilitator from a tie` })
			.waitFor({ timeout: LIVE_UPDATE_MS });
		expect(await settle.count()).toBe(0);
	});
});
