// Personal visions in real Chromium: the facilitator opens them in Dream and puts their wall on the
// screen; a phone writes one for the room, which appears on the wall, and another keeps theirs
// private, which does not; the charter lists only the shared one; the writer's kept link opens
// theirs on another device, after the workshop has ended.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations } from './axe';
import { browserSuite, clickControl, findChromium, LIVE_UPDATE_MS, PHONE, signIn } from './server';

const chromium = findChromium();
const CODE = 'DEMO42';

describe.skipIf(!chromium)('personal visions in Chromium', () => {
	const suite = browserSuite(chromium!);
	let panel: Page;
	let screen: Page;
	let ana: Page;
	let link: string;

	async function joinAs(name: string) {
		const { page } = await suite.open(PHONE);
		await page.goto(`/j/${CODE}`);
		await page.getByLabel('Your name').fill(name);
		await page.getByRole('button', { name: 'Join' }).click();
		await page.waitForURL(`**/w/${CODE}**`);
		return page;
	}

	async function writeVision(phone: Page, vision: string, consent: string, commitment = '') {
		await phone.getByRole('link', { name: 'Write your own vision of customer excellence' }).click();
		await phone.waitForURL(`**/w/${CODE}/mine`);
		await phone.getByLabel('what does excellent service look like').fill(vision);
		if (commitment) await phone.getByLabel('One personal commitment').fill(commitment);
		await phone.getByRole('radio', { name: consent }).check();
		await phone.getByRole('button', { name: 'Save my vision' }).click();
		await phone.getByRole('status').getByText('Saved.').waitFor();
	}

	it('opens in Dream when the facilitator chooses; a phone writes one for the room, another one only for themselves', async () => {
		panel = (await suite.open({ viewport: { width: 1280, height: 900 } })).page;
		await signIn(panel, 'demo@example.com', `/w/${CODE}/facilitate`);
		await clickControl(panel, /open in Dream instead/);
		await clickControl(panel, 'Dream');
		await clickControl(panel, 'Show our visions on the screen');
		screen = await panel.context().newPage();
		await screen.goto(`/w/${CODE}/screen`);
		await screen.getByRole('heading', { name: 'Our visions' }).waitFor();
		await screen.getByText(/^Write your own vision on your phone/).waitFor();

		ana = await joinAs('Ana');
		await ana
			.getByRole('link', { name: 'Write your own vision of customer excellence' })
			.waitFor({ timeout: LIVE_UPDATE_MS });
		await writeVision(
			ana,
			'Nobody has to tell their story twice.',
			'This room',
			'Next week I will read the notes first.'
		);
		expect(await ana.getByRole('article', { name: 'My vision' }).textContent()).toContain(
			'Next week I will read the notes first.'
		);
		expect(await axeViolations(ana)).toEqual([]);
		await ana.getByRole('link', { name: 'Change it' }).click();
		await ana
			.getByLabel('what does excellent service look like')
			.fill('Nobody has to tell their story twice, ever.');
		await ana.getByRole('button', { name: 'Save my vision' }).click();
		await ana
			.getByRole('article', { name: 'My vision' })
			.getByText('Nobody has to tell their story twice, ever.')
			.waitFor();
		// Shared with the room: on the screen's wall as it is written, and as it is changed.
		const wall = screen.getByRole('region', { name: 'Our visions' });
		await wall.getByText('Nobody has to tell their story twice, ever.').waitFor();
		expect(await wall.locator('figcaption').textContent()).toBe('— Ana');
		expect(await axeViolations(screen)).toEqual([]);
		await ana.getByRole('button', { name: 'Get a link to keep' }).click();
		link = await ana.getByLabel('Link to my vision').inputValue();

		const ben = await joinAs('Ben');
		await writeVision(ben, 'A secret only I keep.', 'Only me');
		// Kept private: never on the wall, live or opened afresh.
		await screen.reload();
		await screen.getByText(/^1 vision shared$/).waitFor();
		expect(
			await screen.getByRole('region', { name: 'Our visions' }).locator('blockquote').allTextContents()
		).toEqual(['Nobody has to tell their story twice, ever.']);
		expect(await screen.content()).not.toContain('A secret only I keep.');
	});

	it('the facilitator hides a shared vision: it leaves the screen’s wall (its writer is told), and comes back when shown again', async () => {
		const words = 'Nobody has to tell their story twice, ever.';
		await panel.getByText('Read and moderate the shared visions').click();
		await clickControl(panel, `Hide ${words}`);
		await screen.getByText(words).waitFor({ state: 'detached' });
		await panel.getByText('🙈 Hidden').waitFor();
		expect(await axeViolations(panel)).toEqual([]);
		// Its writer still reads it, and is told why the room no longer does.
		await ana.reload();
		await ana.getByText(/The facilitator has hidden it from the room/).waitFor();
		expect(await ana.getByRole('article', { name: 'My vision' }).textContent()).toContain(words);
		await clickControl(panel, `Show ${words}`);
		await screen.getByRole('region', { name: 'Our visions' }).getByText(words).waitFor();
	});

	it('the charter lists the room’s vision, not the private one, and the kept link opens after the workshop ends', async () => {
		const ended = await panel.request.post(`/w/${CODE}/facilitate?/end`, {
			form: { confirm: 'yes' },
			headers: { origin: suite.server.url }
		});
		expect(ended.status()).toBe(200);
		const { page } = await suite.open();
		await signIn(page, 'demo@example.com', `/w/${CODE}/charter`);
		const own = page.getByRole('region', { name: 'Our own visions' });
		await own.getByText('“Nobody has to tell their story twice, ever.” — Ana').waitFor();
		expect(await own.textContent()).not.toContain('A secret only I keep.');

		const elsewhere = (await suite.open(PHONE)).page;
		await elsewhere.goto(new URL(link).pathname);
		await elsewhere.getByRole('heading', { name: "Ana's vision of customer excellence" }).waitFor();
		expect(await elsewhere.locator('blockquote').textContent()).toBe(
			'Nobody has to tell their story twice, ever.'
		);
		expect(await axeViolations(elsewhere)).toEqual([]);
	});
});
