// Dream in real Chromium: two phones post a good and a bad story (one through a dropped connection),
// the screen shows both live, the facilitator spotlights one, and after the workshop ends a leader
// finds it in the library by a word from its body.
import type { BrowserContext, Page } from 'playwright-core';
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

describe.skipIf(!chromium)('stories in Chromium', () => {
	let facilitator: Page;
	let screen: Page;
	let ana: Page;
	let ben: Page;
	let benContext: BrowserContext;

	const suite = browserSuite(chromium!);
	const open = suite.open;

	const control = (name: string | RegExp) => clickControl(facilitator, name);

	async function join(name: string | null) {
		const { context, page } = await open(PHONE);
		await page.goto('/j/DEMO42');
		if (name) await page.getByLabel('Your name').fill(name);
		else await page.getByLabel('Stay anonymous').check();
		await page.getByRole('button', { name: 'Join' }).click();
		await page.getByRole('heading', { name: 'Dream' }).waitFor();
		return { context, page };
	}

	/** The form for a new story (each of the author's stories has its own edit form too). */
	const newStory = (phone: Page) => phone.getByRole('form', { name: 'Tell a story' });

	async function fillStory(
		phone: Page,
		story: { kind: 'Good service' | 'Bad service'; title: string; body: string; consent: RegExp }
	) {
		const form = newStory(phone);
		await form.getByRole('radio', { name: story.kind }).check();
		await form.getByLabel('Title').fill(story.title);
		await form.getByLabel('What happened?').fill(story.body);
		await form.getByRole('checkbox', { name: 'speed' }).check();
		await form.getByLabel(story.consent).check();
	}

	it('the facilitator opens Dream; the screen and two phones follow', async () => {
		const desk = await open({ viewport: { width: 1280, height: 900 } });
		facilitator = desk.page;
		await signIn(facilitator, 'demo@example.com', '/w/DEMO42/facilitate');
		screen = await desk.context.newPage();
		await screen.setViewportSize({ width: 1920, height: 1080 });
		await screen.goto('/w/DEMO42/screen');
		await control('Dream');
		await screen.getByRole('heading', { name: 'Dream' }).waitFor({ timeout: LIVE_UPDATE_MS });
		ana = (await join('Ana')).page;
		({ context: benContext, page: ben } = await join(null));
	});

	it('a phone posts a good story with markdown; the screen shows it live in the good column', async () => {
		await fillStory(ana, {
			kind: 'Good service',
			title: 'Fixed before I asked',
			body: 'The engineer **rang back** at four, as promised.',
			consent: /with my name/
		});
		await ana.getByRole('button', { name: 'Post my story' }).click();
		await ana.getByText('Your story is posted').waitFor();
		const good = screen.getByRole('region', { name: 'Good service' });
		await good.getByRole('heading', { name: 'Fixed before I asked' }).waitFor({ timeout: LIVE_UPDATE_MS });
		expect(await good.locator('strong', { hasText: 'rang back' }).count()).toBe(1);
	});

	it('a draft survives a reload and a dropped connection, and is stored once', async () => {
		await fillStory(ben, {
			kind: 'Bad service',
			title: 'The thermostat saga',
			body: 'Three visits about the same thermostat, and each engineer started from scratch.',
			consent: /anonymously/
		});
		await ben.reload();
		await expect.poll(() => newStory(ben).getByLabel('Title').inputValue()).toBe('The thermostat saga');
		expect(
			await newStory(ben)
				.getByLabel(/anonymously/)
				.isChecked()
		).toBe(true);

		await benContext.setOffline(true);
		await ben.getByRole('button', { name: 'Post my story' }).click();
		await ben.getByText('Not sent — no connection').waitFor();
		await benContext.setOffline(false);
		await ben.getByRole('button', { name: 'Post my story' }).click();
		await ben.getByText('Your story is posted').waitFor();
		await ben.getByRole('heading', { name: 'Your stories (1)' }).waitFor();

		const bad = screen.getByRole('region', { name: 'Bad service' });
		await bad.getByRole('heading', { name: 'The thermostat saga' }).waitFor({ timeout: LIVE_UPDATE_MS });
		expect(await bad.getByRole('heading', { name: 'The thermostat saga' }).count()).toBe(1);
		// After posting, the form is empty again and the draft is gone.
		await ben.reload();
		expect(await newStory(ben).getByLabel('Title').inputValue()).toBe('');
	});

	it('phones react to each other, live', async () => {
		const card = ben.getByRole('article', { name: 'Fixed before I asked' });
		await card.getByRole('button', { name: /Love it/ }).click();
		await expect
			.poll(() => card.getByRole('button', { name: /Love it/ }).getAttribute('aria-pressed'))
			.toBe('true');
		await ana
			.getByRole('article', { name: 'The thermostat saga' })
			.getByRole('button', { name: /Ouch/ })
			.click();
		await screen
			.getByRole('article', { name: 'Fixed before I asked' })
			.getByText('1 Love it')
			.waitFor({ timeout: LIVE_UPDATE_MS });
		await readmeScreenshot(ben, 'phone-dream.png');
	});

	it('the author edits a story; the screen shows the change, marked edited', async () => {
		const mine = ana.getByRole('article', { name: 'Fixed before I asked' });
		await mine.locator('summary').click();
		await mine.getByLabel('Title').fill('Fixed before I even asked');
		await mine.getByRole('button', { name: 'Save changes' }).click();
		const card = screen.getByRole('article', { name: 'Fixed before I even asked' });
		await card.waitFor({ timeout: LIVE_UPDATE_MS });
		expect(await card.textContent()).toContain('edited');
		await ana.getByRole('heading', { name: 'Fixed before I even asked' }).waitFor();
	});

	it('the facilitator spotlights a story full-screen', async () => {
		await facilitator
			.getByRole('article', { name: 'The thermostat saga' })
			.getByRole('button', { name: /Spotlight/ })
			.click();
		const spotlight = screen.getByRole('region', { name: 'In the spotlight' });
		await spotlight
			.getByRole('heading', { name: 'The thermostat saga' })
			.waitFor({ timeout: LIVE_UPDATE_MS });
		await readmeScreenshot(screen, 'screen-spotlight.png');
		await control('Close the spotlight');
		await spotlight.waitFor({ state: 'detached', timeout: LIVE_UPDATE_MS });
		await readmeScreenshot(screen, 'screen-dream.png');
	});

	it('after the workshop ends, a leader finds the story by a word from its body', async () => {
		await facilitator.getByLabel('Yes, end it now').check();
		await control('End workshop');
		await ana.getByRole('heading', { name: 'Thank you!' }).waitFor({ timeout: LIVE_UPDATE_MS });

		const { page: leader } = await open({ viewport: { width: 1280, height: 900 } });
		await signIn(leader, 'leader@example.com', '/library');
		await leader.getByLabel('Search stories').fill('thermostats');
		await leader.getByRole('button', { name: 'Search' }).click();
		await leader.waitForURL((url) => url.searchParams.get('q') === 'thermostats');
		const result = leader.getByRole('article').filter({ hasText: 'The thermostat saga' });
		await result.waitFor();
		expect(await result.locator('mark').first().textContent()).toBe('thermostat');
		expect(await result.textContent()).toContain('Anonymous');
		await readmeScreenshot(leader, 'library.png');

		await result.getByRole('link', { name: 'The thermostat saga' }).click();
		await leader.getByRole('heading', { level: 1, name: 'The thermostat saga' }).waitFor();
		expect(await leader.getByText('Told by Anonymous').count()).toBe(1);

		// Shared links keep the search: the same URL in a fresh tab shows the same result.
		const shared = await leader.context().newPage();
		await shared.goto('/library?q=thermostats&kind=bad');
		await shared.getByRole('link', { name: 'The thermostat saga' }).waitFor();
		expect(await shared.getByRole('link', { name: 'Fixed before I asked' }).count()).toBe(0);
	});
});
