// Every phone state on a small phone (320×568) in real Chromium: nothing wider than the screen, and
// nothing axe-core finds. On the way: a Ready button in the Lobby, a refusal beside the button that
// caused it, hidden-until-reveal said where it matters, a story typed offline sent by itself when
// the connection is back, dots placed and a ranking made by tapping, and a phone without JavaScript
// that still votes. PHONE_SHOTS=<folder> saves a picture of each state at 320×568 and 390×844.
import type { BrowserContext, Page, Route } from 'playwright-core';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { axeViolations } from './axe';
import { browserSuite, findChromium, LIVE_UPDATE_MS, signIn } from './server';

const chromium = findChromium();
const SMALL = { viewport: { width: 320, height: 568 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const SHOTS = process.env.PHONE_SHOTS;

// Worst cases for a narrow screen: a name, a word and an address that do not break by themselves.
const LONG_NAME = 'Maximiliana-Featherstonehaugh-Wolfeschle'; // 40 characters, the most a name may have
const LONG_WORD = 'Supercalifragilisticexpialidocious'.repeat(3);
const LONG_URL = `https://support.example.com/${'customer-care/'.repeat(8)}case?id=${'9'.repeat(40)}`;
const LONG_CRY = 'Customers-first-in-everything-we-do-every-single-day-always!'; // 60 characters
const LONG_OBSTACLE = `Nobody owns the ${LONG_WORD} hand-off between billing and the contact centre`;

/** What is wider than the viewport: the page itself, or any element reaching past either edge. */
function overflow(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const width = window.innerWidth;
		const wide: string[] = [];
		const root = document.documentElement;
		if (root.scrollWidth > width) wide.push(`the page scrolls sideways: ${root.scrollWidth} > ${width}`);
		for (const element of document.body.querySelectorAll('*')) {
			const box = element.getBoundingClientRect();
			if (box.width === 0 && box.height === 0) continue;
			if (box.left < -0.5 || box.right > width + 0.5) {
				const name = `${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).split(' ')[0]}` : ''}`;
				wide.push(
					`${name} “${(element.textContent ?? '').trim().slice(0, 40)}” spans ${Math.round(box.left)}–${Math.round(box.right)}`
				);
			}
		}
		return wide;
	});
}

/**
 * The page data a phone fetches while `act` runs, and until the first such fetch has come back: for
 * each fetch, which loads it asked the server to run (a digit each: the root layout, the phone's layout
 * with the live snapshot, the page), and whether a live snapshot came back. The live stream may show
 * the result before the reload lands, so `act` finishing alone does not mean the fetch is done.
 */
async function dataFetches(
	page: Page,
	act: () => Promise<void>
): Promise<{ ran: string; snapshot: boolean }[]> {
	const fetched: { ran: string; snapshot: boolean }[] = [];
	const DATA = /\/__data\.json(\?|$)/;
	const pass = async (route: Route) => {
		const response = await route.fetch();
		const body = await response.text();
		const ran = new URL(route.request().url()).searchParams.get('x-sveltekit-invalidated') ?? '';
		fetched.push({ ran, snapshot: body.includes('"snapshot"') });
		await route.fulfill({ response, body });
	};
	await page.route(DATA, pass);
	const firstFetchBack = page.waitForResponse(DATA);
	firstFetchBack.catch(() => {}); // awaited below unless `act` fails first
	try {
		await act();
		await firstFetchBack;
	} finally {
		await page.unroute(DATA, pass);
	}
	return fetched;
}

/** The page data requests a phone sends while `act` runs (e.g. none after a post whose answer says it all). */
async function dataRequests(page: Page, act: () => Promise<void>): Promise<string[]> {
	const sent: string[] = [];
	const onRequest = (request: { url(): string }) => {
		if (/\/__data\.json(\?|$)/.test(new URL(request.url()).pathname + '?')) sent.push(request.url());
	};
	page.on('request', onRequest);
	try {
		await act();
	} finally {
		page.off('request', onRequest);
	}
	return sent;
}

/** After a post, a phone reloads its page's own data alone: no snapshot rebuilt to be thrown away. */
const OWN_DATA_ONLY = [{ ran: expect.stringMatching(/^0+1$/), snapshot: false }];

describe.skipIf(!chromium)('phones at 320 px in Chromium', () => {
	const suite = browserSuite(chromium!);
	let facilitator: Page;
	let ana: Page;
	let anaContext: BrowserContext;
	let ben: Page;
	let cara: Page; // without JavaScript

	/** Drives the room as the panel's forms do (the panel's own layout is another test's business). */
	async function panel(action: string, fields: Record<string, string> = {}): Promise<void> {
		const reply = await facilitator.request.post(`/w/DEMO42/facilitate?/${action}`, {
			form: fields,
			headers: { origin: suite.server.url, accept: 'application/json' }
		});
		const answer = (await reply.json()) as { type: string };
		if (answer.type !== 'success') throw new Error(`the panel refused ${action}: ${JSON.stringify(answer)}`);
	}

	/** Saves the page at both phone sizes, then checks it fits 320 px and passes axe. */
	async function check(page: Page, state: string): Promise<void> {
		if (SHOTS) {
			await mkdir(SHOTS, { recursive: true });
			await page.screenshot({ path: path.join(SHOTS, `${state}-320.png`), fullPage: true });
			await page.setViewportSize({ width: 390, height: 844 });
			await page.screenshot({ path: path.join(SHOTS, `${state}-390.png`), fullPage: true });
			await page.setViewportSize(SMALL.viewport);
		}
		expect(await overflow(page), `${state}: wider than 320 px`).toEqual([]);
		expect(await axeViolations(page), `${state}: axe`).toEqual([]);
	}

	/**
	 * A phone joins. `withoutScripts`: the page's JavaScript never loads, as on a phone without it
	 * (the test can still measure the page, which it cannot with JavaScript switched off).
	 */
	async function join(name: string, { withoutScripts = false } = {}) {
		const { context, page } = await suite.open(SMALL);
		if (withoutScripts) await context.route(/\.js(\?|$)/, (route) => route.abort());
		await page.goto('/j/DEMO42');
		await page.getByLabel('Your name').fill(name);
		await page.getByRole('button', { name: 'Join' }).click();
		await page.waitForURL(/\/w\/DEMO42/);
		return { context, page };
	}

	/** The phone has followed the room to `stage` (its heading, and the stage's own page). */
	async function follows(page: Page, stage: string, path = stage.toLowerCase()): Promise<void> {
		await page.getByRole('heading', { name: stage, level: 1 }).waitFor({ timeout: LIVE_UPDATE_MS });
		await page.waitForURL(`**/w/DEMO42${path ? `/${path}` : ''}`);
	}
	const heading = (page: Page, name: string) => page.getByRole('heading', { name, level: 1 });
	/** The id of the vote a phone's ballot is for. */
	const voteId = (page: Page) => page.locator('input[name="vote"]').first().inputValue();
	/** A vote's bars as the phone shows them after the reveal: "option count" per line. */
	const bars = async (page: Page) =>
		(await page.locator('ol.bars li').allTextContents()).map((row) => row.replace(/\s+/g, ' ').trim());

	it('the join page and the Lobby fit; Ready can be said in the Lobby and is kept', async () => {
		facilitator = (await suite.open({ viewport: { width: 1280, height: 900 } })).page;
		await signIn(facilitator, 'demo@example.com', '/w/DEMO42/facilitate');

		({ context: anaContext, page: ana } = await suite.open(SMALL));
		await ana.goto('/j/DEMO42');
		await check(ana, 'join');
		await ana.getByLabel('Your name').fill(LONG_NAME);
		await ana.getByRole('button', { name: 'Join' }).click();
		await heading(ana, 'Lobby').waitFor();
		await ana.getByText(`You're in, ${LONG_NAME}.`).waitFor();

		const ready = ana.getByRole('button', { name: /Ready — tap to undo/ });
		const readying = await dataFetches(ana, async () => {
			await ana.getByRole('button', { name: "I'm ready to start" }).click();
			await ready.waitFor();
		});
		expect(readying).toEqual(OWN_DATA_ONLY);
		expect(await ready.getAttribute('aria-pressed')).toBe('true');
		await ana.reload();
		await ready.waitFor(); // the server kept it
		await check(ana, 'lobby');

		ben = (await join('Ben')).page;
	});

	it('Explore: a post refused while paused shows beside its button, and goes when posting resumes', async () => {
		await panel('stage', { stage: 'explore' });
		await follows(ana, 'Explore', '');
		await ana.getByText('Great', { exact: true }).click();
		const line = `Fixed: ${LONG_URL.slice(0, 120)}`; // a line holds 140 characters
		await ana.getByLabel('One line: why?').fill(line);

		await panel('lock', { locked: 'on' });
		const paused = ana.getByText('⏸ The facilitator has paused posting');
		await paused.waitFor({ timeout: LIVE_UPDATE_MS });
		expect(await ana.getByRole('button', { name: 'Share' }).isDisabled()).toBe(true);
		// A post that left before the phone heard of the pause (the button is disabled by now).
		await ana.locator('form[action="?/mood"]').evaluate((form: HTMLFormElement) => form.requestSubmit());
		const refusal = ana.getByRole('alert').filter({ hasText: 'paused posting' });
		await refusal.waitFor();
		// Beside the button that sent it, not at the top of the page.
		const share = (await ana.getByRole('button', { name: 'Share' }).boundingBox())!;
		const said = (await refusal.boundingBox())!;
		expect(said.y).toBeGreaterThan(share.y);
		expect(said.y - (share.y + share.height)).toBeLessThan(60);
		expect(await ana.getByLabel('One line: why?').inputValue()).toBe(line); // nothing lost
		await check(ana, 'explore-paused');

		await panel('lock', { locked: 'off' });
		await paused.waitFor({ state: 'detached', timeout: LIVE_UPDATE_MS });
		await refusal.waitFor({ state: 'detached' });
		// The answer carries the mood as stored: the phone reloads nothing (the room's moods come live).
		const sharing = await dataRequests(ana, async () => {
			await ana.getByRole('button', { name: 'Share' }).click();
			await ana.getByText('Shared:').waitFor();
		});
		expect(sharing).toEqual([]);

		await panel('hide', { hidden: 'on' });
		await ana.getByText('Lines stay hidden from the room until the facilitator reveals them.').waitFor({
			timeout: LIVE_UPDATE_MS
		});
		await check(ana, 'explore-hidden');
	});

	it('Dream: hidden stories are said to be hidden; long stories fit; consent starts unchosen', async () => {
		await panel('stage', { stage: 'dream' });
		await follows(ana, 'Dream').catch(async (error: unknown) => {
			await ana.screenshot({ path: '/tmp/phone-debug.png', fullPage: true });
			throw error;
		});
		await follows(ben, 'Dream');
		const form = (page: Page) => page.getByRole('form', { name: 'Tell a story' });
		const consents = form(ana).getByRole('group', { name: 'Who may see it?' }).getByRole('radio');
		expect(await consents.count()).toBe(3);
		for (const consent of await consents.all()) expect(await consent.isChecked()).toBe(false);

		const body = [
			`The link they sent me: ${LONG_URL}`,
			`It said **${LONG_WORD}** and nothing else.`,
			'```\n' + `error_code=${'X'.repeat(120)}` + '\n```',
			'| step | who | how long |\n| --- | --- | --- |\n| first call | the front desk | forty minutes on hold |'
		].join('\n\n');
		for (const [index, title] of [
			`${LONG_WORD} and the lost refund`,
			'A second story, padded out to the limit'
		].entries()) {
			await form(ben).getByRole('radio', { name: 'Bad service' }).check();
			await form(ben).getByLabel('Title').fill(title);
			await form(ben)
				.getByLabel('What happened?')
				.fill((body + '\n\n' + 'And then they rang again. '.repeat(200)).slice(0, 4000));
			await form(ben).getByLabel('Company or sector').fill(LONG_URL.slice(0, 120));
			await form(ben).getByLabel('This room only').check();
			const posting = await dataFetches(ben, async () => {
				await ben.getByRole('button', { name: 'Post my story' }).click();
				await ben.getByRole('heading', { name: `Your stories (${index + 1})` }).waitFor();
			});
			expect(posting).toEqual(OWN_DATA_ONLY);
			await ben.getByText('Your story is posted').waitFor();
		}
		await ana.getByText('Stories stay hidden from the room until the facilitator reveals them.').waitFor();
		await check(ana, 'dream-hidden');

		await panel('hide', { hidden: 'off' });
		await ana.getByRole('heading', { name: 'Stories in the room (2)' }).waitFor({ timeout: LIVE_UPDATE_MS });
		await check(ana, 'dream-stories');
	});

	it('Dream: a story typed offline is sent by itself when the connection is back, and stored once', async () => {
		const form = ana.getByRole('form', { name: 'Tell a story' });
		await anaContext.setOffline(true);
		onTestFinished(() => anaContext.setOffline(false));
		await ana.getByText('No connection. Reconnecting…').waitFor();
		await form.getByRole('radio', { name: 'Good service' }).check();
		await form.getByLabel('Title').fill('Rang back on a Sunday');
		await form.getByLabel('What happened?').fill('The manager rang every caller back himself.');
		await form.getByLabel('Organisation library, anonymously').check();
		await ana.getByRole('button', { name: 'Post my story' }).click();
		await ana.getByText('Your story is kept on this phone and is sent by itself').waitFor();
		await check(ana, 'dream-offline');

		await anaContext.setOffline(false);
		await ana.getByText('Your story is posted').waitFor();
		await ana.getByRole('heading', { name: 'Your stories (1)' }).waitFor();
		expect(await ana.getByText('No connection').count()).toBe(0);
		await ben.getByRole('heading', { name: 'Rang back on a Sunday' }).waitFor({ timeout: LIVE_UPDATE_MS });
		await ben.reload();
		await ben.getByRole('heading', { name: 'Stories in the room (1)' }).waitFor();
		expect(await ben.getByRole('heading', { name: 'Rang back on a Sunday' }).count()).toBe(1);
	});

	it('Grow: dots are placed by tapping, and the server counts what was tapped', async () => {
		await panel('stage', { stage: 'grow' });
		await follows(ana, 'Grow');
		for (const [page, obstacle] of [
			[ana, 'Hand-offs lose the history'],
			[ben, LONG_OBSTACLE]
		] as const) {
			await page.getByLabel('What gets in the way of excellent service?').fill(obstacle);
			await page.getByRole('button', { name: 'Name this obstacle' }).click();
			await page.getByText('Added to the board').waitFor();
		}
		await panel('openDots', { dots: '3', stack: 'on' });
		await ana.getByText('Place up to 3 dots').waitFor({ timeout: LIVE_UPDATE_MS });
		// Proposals close when the vote opens; fixes stay open.
		await ana.getByText('New obstacles closed when voting opened.').waitFor();
		expect(await ana.getByLabel('What gets in the way of excellent service?').count()).toBe(0);
		expect(await ana.getByText('Suggest a fix').count()).toBe(2);

		const add = (obstacle: string) => ana.getByRole('button', { name: `Add a dot to ${obstacle}` });
		const take = (obstacle: string) => ana.getByRole('button', { name: `Take a dot off ${obstacle}` });
		const left = ana.locator('.tally');
		await add('Hand-offs lose the history').click();
		await add('Hand-offs lose the history').click();
		await expect.poll(() => left.textContent()).toContain('1 dot left');
		await add(LONG_OBSTACLE).click();
		await expect.poll(() => left.textContent()).toContain('All 3 dots placed');
		expect(await add(LONG_OBSTACLE).getAttribute('aria-disabled')).toBe('true');
		// No dot left: the button stays focusable (aria-disabled), changes nothing, and the phone says why.
		await add(LONG_OBSTACLE).click({ force: true });
		await expect.poll(() => left.textContent()).toContain('No dots left');
		await take('Hand-offs lose the history').click();
		await add(LONG_OBSTACLE).click(); // Hand-offs 1, the long one 2
		await check(ana, 'grow-dots');
		await ana.getByRole('button', { name: 'Place my dots' }).click();
		await ana.getByText('Your dots are in').waitFor();
		await check(ana, 'grow-voted');

		// A phone without JavaScript places dots in number fields; too many are refused beside the
		// button, and the ballot the server holds stays shown.
		cara = (await join('Cara', { withoutScripts: true })).page;
		const dots = (obstacle: string) => cara.getByRole('spinbutton', { name: obstacle });
		await dots('Hand-offs lose the history').fill('1');
		await dots(LONG_OBSTACLE).fill('1');
		await cara.getByRole('button', { name: 'Place my dots' }).click();
		await cara.getByText('Your dots are in').waitFor();
		await dots('Hand-offs lose the history').fill('3');
		await dots(LONG_OBSTACLE).fill('3');
		await cara.getByRole('button', { name: 'Change my dots' }).click();
		await cara.getByRole('alert').filter({ hasText: 'That is 6 dots: you have 3 dots to place.' }).waitFor();
		expect(await dots('Hand-offs lose the history').inputValue()).toBe('1');
		expect(await dots(LONG_OBSTACLE).inputValue()).toBe('1');
		await check(cara, 'grow-refused-no-js');

		await panel('reveal', { id: await voteId(ana) });
		await ana.getByRole('heading', { name: 'The obstacles, by dots' }).waitFor({ timeout: LIVE_UPDATE_MS });
		expect(await bars(ana)).toEqual([`${LONG_OBSTACLE} 3`, 'Hand-offs lose the history 2']);
		await check(ana, 'grow-revealed');
	});

	it('Excite: a ranking is made by tapping in order, and the server counts it', async () => {
		await panel('stage', { stage: 'excite' });
		await follows(ana, 'Excite');
		for (const [page, cry] of [
			[ana, "Let's Go!"],
			[ben, LONG_CRY],
			[ben, 'Own it']
		] as const) {
			await page.getByLabel('Propose a rallying cry').fill(cry);
			await page.getByRole('button', { name: 'Propose' }).click();
			await page.getByText('✓ Proposed.').waitFor();
		}
		await check(ana, 'excite-proposing');
		await panel('openVote', { method: 'ranked' });
		await ana.getByRole('group', { name: /Rank the rallying cries/ }).waitFor({ timeout: LIVE_UPDATE_MS });
		await ana.getByText('Proposals closed when voting opened.').waitFor();
		expect(await ana.getByLabel('Propose a rallying cry').count()).toBe(0);

		const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		// A ranked cry's name starts with its place: "Choice 2 Own it".
		const cry = (text: string) =>
			ana.getByRole('button', { name: new RegExp(`^(Choice \\d+ )?${escape(text)}$`) });
		/** Pressed or not, the number shown, and the name a screen reader reads. */
		const state = async (text: string) => {
			const button = cry(text);
			const mark = await button.locator('.mark').textContent();
			return `${await button.getAttribute('aria-pressed')} ${mark} ${await button.getAttribute('aria-label')}`;
		};
		await cry("Let's Go!").click();
		await cry('Own it').click();
		await cry(LONG_CRY).click();
		await cry("Let's Go!").click(); // tapped again: off the ranking, and the others move up
		await cry("Let's Go!").click();
		expect(await state('Own it')).toBe('true 1 Choice 1 Own it');
		expect(await state(LONG_CRY)).toBe(`true 2 Choice 2 ${LONG_CRY}`);
		expect(await state("Let's Go!")).toBe("true 3 Choice 3 Let's Go!");
		await expect.poll(() => ana.locator('.tally').textContent()).toContain('3 of 3 ranked');
		await check(ana, 'excite-ranking');
		await ana.getByRole('button', { name: 'Cast my vote' }).click();
		await ana.getByText('Your vote is in').waitFor();
		// Reopened, the phone shows the ranking the server holds.
		await ana.reload();
		await ana.getByRole('button', { name: 'Change my vote' }).waitFor();
		expect(await state('Own it')).toBe('true 1 Choice 1 Own it');
		expect(await state(LONG_CRY)).toBe(`true 2 Choice 2 ${LONG_CRY}`);

		await ben.getByRole('button', { name: /^Let's Go!/ }).click();
		await ben.getByRole('button', { name: 'Cast my vote' }).click();
		await ben.getByText('Your vote is in').waitFor();
		// Without JavaScript: a number per option, 1 for the favourite.
		const dev = (await join('Dev', { withoutScripts: true })).page;
		await cara.goto('/w/DEMO42');
		const eve = (await join('Eve', { withoutScripts: true })).page;
		for (const [phone, first] of [
			[cara, LONG_CRY],
			[dev, "Let's Go!"],
			[eve, LONG_CRY]
		] as const) {
			await phone.getByLabel(first, { exact: true }).fill('1');
			await phone.getByRole('button', { name: 'Cast my vote' }).click();
			await phone.getByText('Your vote is in').waitFor();
		}
		await check(eve, 'excite-no-js');

		// Round 1: Let's Go! 2, the long cry 2, Own it 1 and out; Ana's second choice then wins it.
		await panel('reveal', { id: await voteId(ana) });
		await ana.getByRole('heading', { name: 'Our rallying cry' }).waitFor({ timeout: LIVE_UPDATE_MS });
		await ana
			.getByRole('status')
			.filter({ hasText: `🏆 ${LONG_CRY}` })
			.waitFor();
		await ana.getByText('Every round of the instant runoff').click();
		expect(await ana.locator('.rounds li').last().textContent()).toContain(`${LONG_CRY} 3`);
		await check(ana, 'excite-revealed');
	});

	it('Wrap-up and the end fit too', async () => {
		await panel('stage', { stage: 'wrapup' });
		await follows(ana, 'Wrap-up', '');
		await ana.getByRole('link', { name: 'Read our charter' }).waitFor();
		// What the room agreed stays on the phone; Ready has nothing to move on to.
		expect(await ana.getByRole('region', { name: 'Our rallying cry' }).textContent()).toContain(LONG_CRY);
		expect(await ana.getByRole('button', { name: /ready/i }).count()).toBe(0);
		await check(ana, 'wrapup');
		await panel('end', { confirm: 'yes' });
		await heading(ana, 'Thank you!').waitFor({ timeout: LIVE_UPDATE_MS });
		await check(ana, 'ended');
	});
});
