// Every projector scene with worst-case content (sceneContent.ts), at each projector size, in the
// dark and the light theme: nothing leaves the frame, nothing is cut off by its box unless it is
// deliberately clipped with a visible mark (an ellipsis, a line clamp, "+N more", a page number),
// body text is at least 24 px and no text is under 20 px; axe finds nothing. Then the screen's own
// controls: the story wall's pages, the timer's slot, the tools, ?preview.
// SCENE_SHOTS=dir also saves a picture of every scene at every size, to look at.
import type { Page } from 'playwright-core';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { axeViolations } from './axe';
import {
	NEWEST_VISION,
	PRIVATE_VISION,
	SCENES,
	seedScenes,
	type Scene,
	type SeededVotes
} from './sceneContent';
import { browserSuite, findChromium, signIn } from './server';

const chromium = findChromium();
const SIZES = [
	{ width: 1280, height: 720 },
	{ width: 1366, height: 768 },
	{ width: 1920, height: 1080 },
	{ width: 1024, height: 768 }
];
const THEMES = ['dark', 'light'] as const;
const SHOTS = process.env.SCENE_SHOTS;

/** Where each scene's body text is (at least 24 px); everything else may be a label (20 px). */
const BODY_TEXT: Record<Scene, string> = {
	lobby: '.names li, .count',
	explore: '.wall li, .prompt',
	dream: 'article .body, article h3, .phrases li',
	spotlight: '.spotlight .body',
	grow: '.obstacles .text',
	ranking: '.ranking .name, .actions .what',
	excite: '.cries li, .statement',
	runoff: '.reveal .winner, .bars .name',
	tie: '.tied p, .next',
	wrapup: '.statement, .obstacle, .words',
	ended: '.statement, .obstacle, .words',
	visions: '.visions blockquote, .visions .commitment',
	visionsEmpty: '.empty p'
};

interface Fit {
	problems: string[];
	smallest: number;
}

/**
 * Measures the scene as it is laid out now. An element is cut off when its box leaves the window
 * or it has more content than its clipping box shows; both are allowed only inside an element
 * clipped on purpose with a visible mark (line clamp, ellipsis, or a paged story with "Page x of y").
 */
function measure(page: Page, bodySelector: string): Promise<Fit> {
	return page.evaluate((bodySelector) => {
		const problems: string[] = [];
		const name = (el: Element) => {
			const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
			return `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} “${text}”`;
		};
		const deliberate = (el: Element) => {
			const style = getComputedStyle(el);
			return (
				(style.webkitLineClamp !== 'none' && style.webkitLineClamp !== '') ||
				(style.textOverflow === 'ellipsis' && style.overflowX !== 'visible') ||
				el.hasAttribute('data-paged')
			);
		};
		const shown = (el: Element) => {
			if (el.closest('.visually-hidden, [data-testid="screen-tools"]')) return false;
			const style = getComputedStyle(el);
			return style.visibility !== 'hidden' && el.getClientRects().length > 0;
		};
		let smallest = Infinity;
		const visit = (el: Element) => {
			if (!shown(el)) return;
			const box = el.getBoundingClientRect();
			if (box.width > 0 && box.height > 0) {
				if (
					box.left < -0.5 ||
					box.top < -0.5 ||
					box.right > innerWidth + 0.5 ||
					box.bottom > innerHeight + 0.5
				) {
					problems.push(`outside the window: ${name(el)} ${JSON.stringify(box.toJSON())}`);
				}
			}
			const style = getComputedStyle(el);
			const clips = style.overflowX !== 'visible' || style.overflowY !== 'visible';
			const onPurpose = deliberate(el);
			if (
				clips &&
				!onPurpose &&
				(el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1)
			) {
				problems.push(
					`content cut off: ${name(el)} (${el.scrollWidth}×${el.scrollHeight} in ${el.clientWidth}×${el.clientHeight})`
				);
			}
			const hasText = [...el.childNodes].some((node) => node.nodeType === 3 && node.textContent!.trim());
			if (hasText) smallest = Math.min(smallest, parseFloat(style.fontSize));
			if (onPurpose) return; // what it hides, it hides on purpose
			for (const child of el.children) visit(child);
		};
		visit(document.querySelector('.screen')!);
		for (const el of document.querySelectorAll(bodySelector)) {
			if (!shown(el)) continue;
			const size = parseFloat(getComputedStyle(el).fontSize);
			if (size < 24) problems.push(`body text under 24 px (${size}): ${name(el)}`);
		}
		return { problems, smallest };
	}, bodySelector);
}

/** The page runs in the browser (not only as rendered on the server): its tools know full screen. */
async function hydrated(page: Page): Promise<void> {
	await page.getByRole('button', { name: 'Full screen' }).waitFor();
}

/**
 * Lets the scene settle: fonts loaded, entrance animations over, and two rendering updates done, in
 * which the scene's resize observers fit it (a new observer's first call comes in the next one;
 * animation frames would not do: the reveal test fakes the clock).
 */
async function settled(page: Page): Promise<void> {
	await page.evaluate(async () => {
		const animationsDone = () =>
			Promise.all(document.getAnimations().map((animation) => animation.finished.catch(() => {})));
		await document.fonts.ready;
		await animationsDone();
		for (let update = 0; update < 2; update++) {
			await new Promise<void>((resolve) => {
				const observer = new ResizeObserver(() => {
					observer.disconnect();
					resolve();
				});
				observer.observe(document.body);
			});
		}
		// A theme switch or a refit can start an animation a frame later (a cry fading in): wait for it too.
		await animationsDone();
	});
}

describe.skipIf(!chromium)('the projector, scene by scene, on every projector', () => {
	let votes: SeededVotes;
	const suite = browserSuite(chromium!, {
		prepare: async (dataDir) => {
			votes = await seedScenes(dataDir);
		}
	});
	let desk: Page;
	let screen: Page;

	/** A control panel action, posted as the panel's form does. */
	async function act(code: string, action: string, form: Record<string, string>): Promise<void> {
		const response = await desk.request.post(`/w/${code}/facilitate?/${action}`, {
			form,
			headers: { origin: suite.server.url, 'x-sveltekit-action': 'true' }
		});
		const body = (await response.json()) as { type: string };
		expect(body.type, `${action} on ${code}`).toBe('success');
	}

	async function fitsEverywhere(scene: Scene, label: string = scene): Promise<void> {
		for (const theme of THEMES) {
			await setTheme(theme);
			for (const size of SIZES) {
				await screen.setViewportSize(size);
				await settled(screen);
				const fit = await measure(screen, BODY_TEXT[scene]);
				const where = `${label} at ${size.width}×${size.height}, ${theme}`;
				expect(fit.problems, where).toEqual([]);
				expect(fit.smallest, `smallest text, ${where}`).toBeGreaterThanOrEqual(20);
				if (SHOTS) {
					await mkdir(SHOTS, { recursive: true });
					await screen.screenshot({
						path: path.join(SHOTS, `${label}-${size.width}x${size.height}-${theme}.png`)
					});
				}
			}
		}
	}

	async function setTheme(theme: 'dark' | 'light'): Promise<void> {
		const current = await screen.locator('.screen').getAttribute('data-theme');
		if (current !== theme) await screen.getByRole('button', { name: /theme$/ }).click();
		await screen.locator(`.screen[data-theme="${theme}"]`).waitFor();
	}

	async function open(scene: Scene): Promise<void> {
		await screen.setViewportSize(SIZES[0]!);
		await screen.goto(`/w/${SCENES[scene]}/screen`);
		await screen.locator('.screen').waitFor();
		await hydrated(screen); // a tap on the theme button before then would be lost
	}

	async function accessible(label: string, paused = false): Promise<void> {
		for (const theme of THEMES) {
			await setTheme(theme);
			await screen.setViewportSize(SIZES[0]!);
			await settled(screen);
			expect(await (paused ? axeOnPausedClock() : axeViolations(screen)), `${label}, ${theme}`).toEqual([]);
		}
	}

	/** axe waits on timers: with the page's clock paused, move it on in small steps until axe is done. */
	async function axeOnPausedClock(): Promise<string[]> {
		let done = false;
		const running = axeViolations(screen).finally(() => (done = true));
		while (!done) await screen.clock.runFor(20);
		return running;
	}

	it('the facilitator reveals the seeded votes and ends one workshop', async () => {
		({ page: desk } = await suite.open({ viewport: { width: 1280, height: 900 } }));
		await signIn(desk, 'demo@example.com', '/workshops');
		await act(SCENES.ranking, 'reveal', { id: votes.ranking });
		await act(SCENES.runoff, 'reveal', { id: votes.runoff });
		await act(SCENES.tie, 'reveal', { id: votes.tie });
		for (const id of votes.wrapup) await act(SCENES.wrapup, 'reveal', { id });
		for (const id of votes.ended) await act(SCENES.ended, 'reveal', { id });
		await act(SCENES.ended, 'end', { confirm: 'yes' });
		screen = await desk.context().newPage();
	});

	for (const scene of [
		'lobby',
		'explore',
		'dream',
		'spotlight',
		'grow',
		'ranking',
		'excite',
		'wrapup',
		'ended',
		'visions',
		'visionsEmpty'
	] as const) {
		it(`${scene} fits every projector, in both themes`, async () => {
			await open(scene);
			await fitsEverywhere(scene);
			await accessible(scene);
		});
	}

	it('the wall of visions shows the shared ones four a page, newest first, and the stage scene comes back', async () => {
		await open('visions');
		await screen.getByRole('heading', { name: 'Our visions' }).waitFor();
		const wall = screen.getByRole('region', { name: 'Our visions' });
		expect(await wall.locator('blockquote').count()).toBe(4);
		expect(await wall.locator('blockquote').first().textContent()).toBe(NEWEST_VISION);
		// 32 shared of 40 written: the 8 kept private are not on any page.
		await screen.getByText(/^32 visions shared$/).waitFor();
		await screen.getByText(/^Page 1 of 8/).waitFor();
		expect(await screen.content()).not.toContain(PRIVATE_VISION);
		await act(SCENES.visions, 'visionWall', { shown: 'off' });
		await screen.getByRole('heading', { name: 'Excite' }).waitFor();
		await act(SCENES.visions, 'visionWall', { shown: 'on' });
		await screen.getByRole('heading', { name: 'Our visions' }).waitFor();
		await open('visionsEmpty');
		await screen.getByText(/^Write your own vision on your phone: join with SCENEE/).waitFor();
	});

	it('the timer has a slot of its own: starting one moves nothing', async () => {
		await open('ranking');
		const layout = () =>
			screen.evaluate(() =>
				['h1', '.prompt', '.scene', 'footer'].map((selector) =>
					JSON.stringify(document.querySelector(selector)!.getBoundingClientRect())
				)
			);
		const before = await layout();
		await act(SCENES.ranking, 'timer', { action: 'start', minutes: '2' });
		await screen.getByText(/^[12]:\d\d$/).waitFor();
		expect(await layout()).toEqual(before);
	});

	it('the story wall pages through every story, turns by itself, and follows the panel', async () => {
		const { page } = await suite.open({ viewport: SIZES[0] });
		await page.context().addCookies(await desk.context().cookies());
		await page.clock.install();
		await page.clock.pauseAt(Date.now() + 1000); // the page turns only when the test says
		await page.goto(`/w/${SCENES.dream}/screen`);
		await hydrated(page);
		const indicator = page.getByText(/^Page \d+ of \d+/);
		await expect.poll(() => indicator.textContent()).toBe('Page 1 of 18');
		// 36 good and 24 bad stories, two of each a page: the good column takes 18 pages.
		expect(await page.getByRole('region', { name: 'Good service' }).getByRole('article').count()).toBe(2);
		await page.clock.runFor(13_500);
		await expect.poll(() => indicator.textContent()).toBe('Page 2 of 18');
		await act(SCENES.dream, 'wall', { action: 'next' });
		await expect.poll(() => indicator.textContent()).toBe('Page 3 of 18');
		await act(SCENES.dream, 'wall', { action: 'pause' });
		await expect.poll(() => indicator.textContent()).toBe('Page 3 of 18 · ⏸ paused');
		await page.clock.runFor(60_000);
		await expect.poll(() => indicator.textContent()).toMatch(/^Page 3 of 18/);
		await act(SCENES.dream, 'wall', { action: 'previous' });
		await act(SCENES.dream, 'wall', { action: 'previous' });
		await act(SCENES.dream, 'wall', { action: 'previous' });
		await expect.poll(() => indicator.textContent()).toMatch(/^Page 18 of 18/);
		// A new story is shown at once, on the first page.
		await act(SCENES.dream, 'storyOnBehalf', {
			name: 'Sam',
			kind: 'bad',
			title: 'Nobody called back',
			body: 'Three days and no word.',
			consent: 'room'
		});
		const bad = page.getByRole('region', { name: 'Bad service' });
		await bad.getByRole('heading', { name: 'Nobody called back' }).waitFor();
		await expect.poll(() => indicator.textContent()).toMatch(/^Page 1 of 18/);
		await act(SCENES.dream, 'wall', { action: 'resume' });
		await page.close();
	});

	it('the tools hide while the mouse is still; sound and theme are remembered; full screen', async () => {
		const { page } = await suite.open({ viewport: SIZES[0] });
		await page.context().addCookies(await desk.context().cookies());
		await page.clock.install();
		await page.clock.pauseAt(Date.now() + 1000);
		await page.goto(`/w/${SCENES.grow}/screen`);
		await hydrated(page);
		const tools = page.getByTestId('screen-tools');
		const opacity = () => tools.evaluate((element) => getComputedStyle(element).opacity);
		await expect.poll(opacity).toBe('1');
		await page.clock.runFor(3000);
		await expect.poll(opacity).toBe('0');
		await page.mouse.move(200, 200);
		await page.mouse.move(300, 250);
		await expect.poll(opacity).toBe('1');
		await page.clock.runFor(3000);
		await expect.poll(opacity).toBe('0');
		await page.keyboard.press('Tab'); // a key reaching the tools shows them
		await expect.poll(opacity).toBe('1');

		await page.getByRole('button', { name: 'Turn sound on' }).click();
		await page.getByRole('button', { name: 'Sound on' }).waitFor();
		expect(await page.getByRole('button', { name: 'Sound on' }).getAttribute('aria-pressed')).toBe('true');
		await page.getByRole('button', { name: 'Light theme' }).click();
		await page.locator('.screen[data-theme="light"]').waitFor();

		expect(
			await page.evaluate(() => [
				localStorage.getItem('cx-screen-sound'),
				localStorage.getItem('cx-screen-theme')
			])
		).toEqual(['on', 'light']);

		// Opened afresh with those choices stored, before anyone has clicked or pressed a key: the
		// theme is back, and the sound waits for a gesture (browsers insist) and says so.
		const { context, page: again } = await suite.open({ viewport: SIZES[0] });
		await context.addCookies(await desk.context().cookies());
		await context.addInitScript(() => {
			localStorage.setItem('cx-screen-sound', 'on');
			localStorage.setItem('cx-screen-theme', 'light');
			// Playwright's own calls into the page count as a click (user activation); a projector
			// that has just opened has had none. Only a real key or click counts here.
			let active = false;
			const activate = () => (active = true);
			addEventListener('keydown', activate, true);
			addEventListener('pointerdown', activate, true);
			Object.defineProperty(Navigator.prototype, 'userActivation', {
				get: () => ({ hasBeenActive: active, isActive: active })
			});
		});
		await again.goto(`/w/${SCENES.grow}/screen`);
		await hydrated(again);
		await again.locator('.screen[data-theme="light"]').waitFor();
		const waiting = again.getByRole('status').filter({ hasText: 'click or press any key to let it play' });
		await waiting.waitFor();
		await again.keyboard.press('Space');
		await waiting.waitFor({ state: 'detached' });
		await again.getByRole('button', { name: 'Sound on' }).waitFor();

		await page.getByRole('button', { name: 'Full screen' }).click();
		await page.getByRole('button', { name: 'Leave full screen' }).waitFor();
		expect(await page.evaluate(() => document.fullscreenElement !== null)).toBe(true);
		await page.getByRole('button', { name: 'Leave full screen' }).click();
		await page.getByRole('button', { name: 'Full screen' }).waitFor();
		await page.close();
	});

	it('?preview: the panel can frame the screen, which then shows no tools and scales down', async () => {
		const { page } = await suite.open({ viewport: { width: 1280, height: 900 } });
		await page.context().addCookies(await desk.context().cookies());
		await page.goto(`/w/${SCENES.excite}/facilitate`);
		await page.evaluate((src) => {
			const frame = document.createElement('iframe');
			frame.src = src;
			frame.title = 'Screen preview';
			frame.style.cssText = 'width: 480px; height: 270px';
			document.body.prepend(frame);
		}, `/w/${SCENES.excite}/screen?preview`);
		const preview = page.frameLocator('iframe[title="Screen preview"]');
		await preview.getByRole('heading', { name: 'Excite' }).waitFor();
		expect(await preview.getByRole('button').count()).toBe(0);
		// Polled: the scene's size is set once its page runs, a moment after the heading is drawn.
		const size = () =>
			preview.locator('.screen').evaluate((element) => parseFloat(getComputedStyle(element).fontSize));
		await expect.poll(size).toBeLessThan(12); // 3.4 % of 270 px: the whole scene, small
		await page.close();
	});

	it('a reveal: the winning cry, then the rounds moving to the last; a tie; reduced motion', async () => {
		await screen.clock.install();
		await screen.clock.pauseAt(Date.now() + 1000);
		await open('runoff');
		await screen.locator('[data-beat="headline"]').waitFor();
		await fitsEverywhere('runoff', 'runoff-headline');
		await screen.clock.runFor(6000);
		await screen.locator('[data-beat="count"]').waitFor();
		await screen.getByText('Round 1 of 6').waitFor();
		await screen.clock.runFor(6 * 1800);
		await screen.getByText('Round 6 of 6').waitFor();
		await fitsEverywhere('runoff', 'runoff-rounds');
		await accessible('runoff rounds', true);

		await open('tie');
		await screen.getByRole('heading', { name: "It's a tie" }).waitFor();
		expect(await screen.locator('.tied li').count()).toBe(4);
		await fitsEverywhere('tie', 'tie-headline');
		await accessible('tie', true);
		await screen.locator('[data-beat="headline"]').waitFor();
		await screen.clock.runFor(6000);
		await screen.getByText('The facilitator will choose, or call a runoff vote.').waitFor();
		await fitsEverywhere('tie', 'tie-count');

		await screen.emulateMedia({ reducedMotion: 'reduce' });
		await open('runoff');
		await screen.getByRole('table').waitFor();
		await fitsEverywhere('runoff', 'runoff-reduced');
		await accessible('runoff, reduced motion', true);
		await screen.emulateMedia({ reducedMotion: null });
		await screen.clock.resume();
	}, 120_000);
});
