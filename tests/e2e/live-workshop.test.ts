// A whole live session in real Chromium: a facilitator on a laptop, a projector screen opened with a
// screen link (no sign-in), and three phones. Every phone follows the facilitator (how fast is
// printed here; the bench measures it).
// SCREENSHOT=1 also writes the README's pictures of the screen, the control panel and a phone.
import type { Browser, Page } from 'playwright-core';
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

describe.skipIf(!chromium)('a live workshop in Chromium', () => {
	let facilitator: Page;
	let screen: Page;
	const phones: Page[] = [];

	const suite = browserSuite(chromium!);
	const open = async (options: Parameters<Browser['newContext']>[0] = {}) => (await suite.open(options)).page;

	const control = (name: string | RegExp) => clickControl(facilitator, name);

	/** Every phone shows `heading` within LIVE_UPDATE_MS of the facilitator's change being accepted. */
	async function phonesFollow(heading: string) {
		const started = Date.now();
		await Promise.all(
			phones.map((phone) =>
				phone.getByRole('heading', { name: heading }).waitFor({ timeout: LIVE_UPDATE_MS })
			)
		);
		return Date.now() - started;
	}

	it('the facilitator signs in and opens the control panel of DEMO42', async () => {
		facilitator = await open({ viewport: { width: 1280, height: 900 } });
		await signIn(facilitator, 'demo@example.com', '/w/DEMO42/facilitate');
		await facilitator.getByRole('heading', { name: 'Stage: Lobby' }).waitFor();
	});

	it('a borrowed projector opens the screen with a screen link, without signing in', async () => {
		await control('Create a screen link');
		const link = await facilitator.getByLabel('Screen link (shown once)').inputValue();
		expect(link).toMatch(/\/w\/DEMO42\/screen\?key=/);
		screen = await open({ viewport: { width: 1920, height: 1080 } });
		await screen.goto(link);
		await screen.waitForURL((url) => url.pathname === '/w/DEMO42/screen' && !url.search.includes('key'));
		await screen.getByRole('heading', { name: 'Join on your phone' }).waitFor();
		expect(await screen.getByText('DEMO42', { exact: true }).count()).toBe(1);
		expect(await screen.locator('figure.qr svg').count()).toBe(1);
	});

	it('three phones join; the screen counts them and shows the names', async () => {
		for (const name of ['Ana', 'Ben', null]) {
			const phone = await open(PHONE);
			await phone.goto('/j/DEMO42');
			if (name) await phone.getByLabel('Your name').fill(name);
			else await phone.getByLabel('Stay anonymous').check();
			await phone.getByRole('button', { name: 'Join' }).click();
			await phone.getByRole('heading', { name: 'Lobby' }).waitFor();
			phones.push(phone);
		}
		await screen.getByText('3 people have joined').waitFor({ timeout: LIVE_UPDATE_MS * 2 });
		const names = await screen
			.getByRole('list', { name: 'Who has joined' })
			.getByRole('listitem')
			.allTextContents();
		expect(names).toEqual(['Ben', 'Ana']);
		await readmeScreenshot(screen, 'screen-lobby.png');
	});

	it('moving to Explore reaches every phone and the screen', async () => {
		await control('Start: Explore →');
		const took = await phonesFollow('Explore');
		await screen.getByRole('heading', { name: 'Explore' }).waitFor({ timeout: LIVE_UPDATE_MS });
		console.log(`[e2e] phones followed the stage change in ${took} ms`);
	});

	it('phones share moods; the screen shows the distribution and the lines live', async () => {
		const answers = [
			['Great', 'They rang me back within the hour'],
			['Poor', 'Forty minutes on hold'],
			['Okay', '']
		] as const;
		for (const [index, [word, line]] of answers.entries()) {
			const phone = phones[index]!;
			await phone.getByText(word, { exact: true }).click();
			if (line) await phone.getByLabel('One line: why?').fill(line);
			await phone.getByRole('button', { name: 'Share' }).click();
			await phone.getByText(`Shared:`).waitFor();
		}
		const wall = screen.getByRole('list', { name: 'What people said' });
		await wall.getByText('They rang me back within the hour').waitFor({ timeout: LIVE_UPDATE_MS });
		await wall.getByText('Forty minutes on hold').waitFor({ timeout: LIVE_UPDATE_MS });
		await readmeScreenshot(phones[0]!, 'phone-explore.png');
		await facilitator.getByText('Forty minutes on hold').waitFor({ timeout: LIVE_UPDATE_MS });
		await readmeScreenshot(screen, 'screen-explore.png');
		// The whole stage fits one projector frame, from 1080p down to 720p.
		for (const viewport of [
			{ width: 1920, height: 1080 },
			{ width: 1280, height: 720 }
		]) {
			await screen.setViewportSize(viewport);
			const footer = await screen.getByText(/\d+ joined · \d+ ready/).boundingBox();
			expect(footer!.y + footer!.height).toBeLessThanOrEqual(viewport.height);
		}
		await screen.setViewportSize({ width: 1920, height: 1080 });
	});

	it('a ready mark and a timer reach the panel and the screen', async () => {
		await phones[1]!.getByRole('button', { name: "I'm ready to move on" }).click();
		await phones[1]!.getByRole('button', { name: /Ready — tap to undo/ }).waitFor();
		await facilitator.getByText('Ready in Explore').waitFor();
		await expectText(facilitator, 'dl', /Ready in Explore\s*1/);
		await facilitator.getByLabel('Minutes').selectOption('2');
		await control('Start timer');
		await screen.getByText(/^[12]:\d\d$/).waitFor({ timeout: LIVE_UPDATE_MS });
		await readmeScreenshot(facilitator, 'facilitator.png');
	});

	it('locking posting tells phones at once', async () => {
		await control('Lock posting');
		await Promise.all(
			phones.map((phone) =>
				phone.getByText('The facilitator has paused posting').waitFor({ timeout: LIVE_UPDATE_MS })
			)
		);
		await control(/Posting locked — unlock/);
	});

	it('moving on to Dream reaches every phone', async () => {
		await control('Dream →');
		await phonesFollow('Dream');
		await screen.getByRole('heading', { name: 'Dream' }).waitFor({ timeout: LIVE_UPDATE_MS });
	});

	it('a reloaded phone comes back as the same participant, in the current stage', async () => {
		await phones[0]!.reload();
		await phones[0]!.getByRole('heading', { name: 'Dream' }).waitFor();
		await expectText(facilitator, 'dl', /Joined\s*3/);
	});

	it('revoking the screen link ends the borrowed screen at once, and the screen says why', async () => {
		await control('Revoke');
		await screen.getByRole('alert').getByText('its screen link was turned off', { exact: false }).waitFor();
		// The phones and the panel carry on.
		await control('Grow →');
		await phonesFollow('Grow');
		expect(await screen.getByRole('heading', { name: 'Grow' }).count()).toBe(0);
	});
});

async function expectText(page: Page, selector: string, pattern: RegExp) {
	await expect.poll(async () => (await page.locator(selector).first().textContent()) ?? '').toMatch(pattern);
}
