// Excite in real Chromium: phones propose rallying cries (a duplicate merges), vote by ranked
// choice, the facilitator reveals, and every phone and the screen show the same winner at once.
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

describe.skipIf(!chromium)('the rallying-cry vote in Chromium', () => {
	const suite = browserSuite(chromium!);
	let facilitator: Page;
	let screen: Page;
	const phones: Page[] = [];

	const control = (name: string | RegExp) => clickControl(facilitator, name);

	it('the facilitator moves the room to Excite; four phones follow to its page', async () => {
		const desk = await suite.open({ viewport: { width: 1280, height: 900 } });
		facilitator = desk.page;
		await signIn(facilitator, 'demo@example.com', '/w/DEMO42/facilitate');
		screen = await desk.context.newPage();
		await screen.setViewportSize({ width: 1920, height: 1080 });
		await screen.goto('/w/DEMO42/screen');
		await control('Excite');
		await screen.getByRole('heading', { name: 'Excite' }).waitFor({ timeout: LIVE_UPDATE_MS });
		for (const name of ['Ana', 'Ben', 'Cara', 'Dev']) {
			const { page } = await suite.open(PHONE);
			await page.goto('/j/DEMO42');
			await page.getByLabel('Your name').fill(name);
			await page.getByRole('button', { name: 'Join' }).click();
			await page.waitForURL('**/w/DEMO42/excite');
			phones.push(page);
		}
	});

	it('phones propose cries; the same cry proposed twice is merged', async () => {
		const proposals = ["Let's Go!", 'Customers first', 'Own it', 'lets go']; // the last repeats the first
		for (const [index, cry] of proposals.entries()) {
			const phone = phones[index]!;
			await phone.getByLabel('Propose a rallying cry').fill(cry);
			await phone.getByRole('button', { name: 'Propose' }).click();
			await phone.getByText(index === 3 ? 'Someone proposed that already' : '✓ Proposed.').waitFor();
		}
		const cries = screen.getByRole('list', { name: 'Rallying cries proposed' });
		await cries.getByText('Own it').waitFor({ timeout: LIVE_UPDATE_MS });
		expect(await cries.getByRole('listitem').allTextContents()).toEqual([
			"Let's Go! ×2",
			'Customers first',
			'Own it'
		]);
	});

	it('the facilitator drafts the vision; an amendment from a phone is accepted and every phone sees it', async () => {
		await facilitator.getByLabel(/^Draft/).fill('Every customer feels heard.');
		await facilitator.getByText('4 / 40 words').waitFor();
		await control('Save as version 1');
		const phone = phones[2]!;
		await phone.getByRole('heading', { name: 'Our vision (draft 1)' }).waitFor({ timeout: LIVE_UPDATE_MS });
		await phone.getByText('Propose a change').click();
		await phone.getByLabel(/Words to change/).fill('heard');
		await phone.getByLabel('Your wording').fill('heard and helped');
		await phone.getByRole('button', { name: 'Propose this change' }).click();
		await phone.getByText('Sent to the facilitator').waitFor();
		await facilitator.getByText('“heard” → “heard and helped”').waitFor({ timeout: LIVE_UPDATE_MS });
		await control('Accept');
		await Promise.all(
			phones.map((p) =>
				p.getByRole('heading', { name: 'Our vision (draft 2)' }).waitFor({ timeout: LIVE_UPDATE_MS })
			)
		);
		expect(await phones[0]!.locator('blockquote').textContent()).toContain(
			'Every customer feels heard and helped.'
		);
		// The screen shows what changed; the closing check is tallied live.
		await screen.locator('ins', { hasText: 'and helped' }).waitFor({ timeout: LIVE_UPDATE_MS });
		await phones[0]!.getByLabel('👍 I agree').check();
		await phones[0]!.getByRole('button', { name: 'Send' }).click();
		await screen.getByText(/👍 1 agree/).waitFor({ timeout: LIVE_UPDATE_MS });
	});

	it('phones vote by ranked choice; the facilitator reveals; all show the same winner at once', async () => {
		await facilitator.getByLabel('Ranked choice (instant runoff)').check();
		await control('Open voting');
		const ballots = [
			["Let's Go!", 'Own it'],
			['Customers first', "Let's Go!"],
			['Own it', "Let's Go!"],
			["Let's Go!"]
		];
		for (const [index, ranking] of ballots.entries()) {
			const phone = phones[index]!;
			await phone
				.getByRole('group', { name: /Rank the rallying cries/ })
				.waitFor({ timeout: LIVE_UPDATE_MS });
			for (const cry of ranking) await phone.getByRole('button', { name: new RegExp(`^${cry}`) }).click();
			// The answer carries the ballot, so voting reloads none of the page's data.
			const reloads: string[] = [];
			const onRequest = (request: { url(): string }) => {
				if (request.url().includes('__data.json')) reloads.push(request.url());
			};
			phone.on('request', onRequest);
			await phone.getByRole('button', { name: 'Cast my vote' }).click();
			await phone.getByText('Your vote is in').waitFor();
			await phone.getByRole('button', { name: 'Change my vote' }).waitFor();
			phone.off('request', onRequest);
			expect(reloads).toEqual([]);
		}
		// Reopened, the page shows the ballot the server holds.
		await phones[0]!.reload();
		await phones[0]!.getByRole('button', { name: 'Change my vote' }).waitFor();
		await phones[0]!.getByRole('button', { name: "Choice 1 Let's Go!", pressed: true }).waitFor();
		await expect
			.poll(() => screen.locator('.status').textContent(), { timeout: LIVE_UPDATE_MS })
			.toMatch(/Voting is open · 4 votes/);
		await readmeScreenshot(phones[0]!, 'phone-excite.png');

		await control('Close and reveal');
		const started = Date.now();
		await Promise.all(
			[...phones, screen].map((page) =>
				page.getByRole('status').filter({ hasText: "🏆 Let's Go!" }).waitFor({ timeout: LIVE_UPDATE_MS })
			)
		);
		console.log(`[e2e] every phone and the screen showed the winner within ${Date.now() - started} ms`);
		// Round 1: Let's Go! 2, the others 1 each, one of them out by the draw; round 2: Let's Go! 3.
		await expect
			.poll(() => screen.getByRole('list', { name: 'Every round of the count' }).textContent())
			.toContain("Round 2: Let's Go! 3");
		await screen.emulateMedia({ reducedMotion: 'reduce' }); // the picture shows the winner, not the animation
		await readmeScreenshot(screen, 'screen-excite.png');
	});

	it('the charter page shows the rallying cry to the facilitator and to the phones, and exports it', async () => {
		await facilitator.getByRole('link', { name: 'Charter' }).click();
		await facilitator.waitForURL('**/w/DEMO42/charter');
		const cry = facilitator.getByRole('region', { name: 'Our rallying cry' });
		expect(await cry.textContent()).toContain("Let's Go!");
		expect(await facilitator.getByRole('region', { name: 'Our vision' }).textContent()).toContain(
			'Every customer feels heard and helped.'
		);

		await phones[1]!.goto('/w/DEMO42/charter');
		expect(await phones[1]!.getByRole('region', { name: 'Our rallying cry' }).textContent()).toContain(
			"Let's Go!"
		);

		const markdown = await facilitator.request.get('/w/DEMO42/charter.md');
		expect(markdown.headers()['content-type']).toBe('text/markdown; charset=utf-8');
		expect(await markdown.text()).toContain("## Our rallying cry\n\n**Let's Go!**");
		const data = (await (await facilitator.request.get('/w/DEMO42/charter.json')).json()) as {
			rallyingCry: string;
		};
		expect(data.rallyingCry).toBe("Let's Go!");
	});

	it("the demo's finished workshop prints its whole charter on at most two A4 pages", async () => {
		await facilitator.goto('/w/KCK7QP/charter');
		await facilitator
			.getByRole('region', { name: 'Obstacles we will move' })
			.getByText('Fix:')
			.first()
			.waitFor();
		await readmeScreenshot(facilitator, 'charter.png');
		await facilitator.emulateMedia({ media: 'print' });
		expect(await facilitator.getByRole('link', { name: 'Markdown' }).isVisible()).toBe(false);
		const pdf = (await facilitator.pdf({ format: 'A4' })).toString('latin1');
		const pages = pdf.match(/\/Type\s*\/Page\b(?!s)/g)?.length ?? 0;
		expect(pages).toBeGreaterThanOrEqual(1);
		expect(pages).toBeLessThanOrEqual(2);
		await facilitator.emulateMedia({ media: 'screen' });
	});
});
