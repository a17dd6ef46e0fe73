// How much JavaScript a phone downloads for the participant page, measured in real Chromium: every
// script response the page loads (entry, imports, preloads), raw and gzipped at level 9.
import { existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-sync'
];
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
// Late dynamic imports (after hydration) still count; the live stream keeps the network busy
// forever, so "network idle" never comes and a fixed settle time stands in for it.
const SETTLE_MS = 2000;

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * @typedef {object} Chunk
 * @property {string} path
 * @property {number} raw bytes as served after decoding
 * @property {number} gzip bytes after gzip level 9
 */

/**
 * @param {string} base server URL
 * @param {string} route e.g. /w/DEMO42
 * @param {{ name: string, value: string }} cookie the participant cookie
 * @returns {Promise<{ chunks: Chunk[], finalPath: string } | null>} null when Chromium is missing
 */
export async function measurePageJs(base, route, cookie) {
	if (!existsSync(CHROMIUM)) return null;
	const { chromium } = await import('playwright-core');
	const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
	try {
		const context = await browser.newContext(PHONE);
		await context.addCookies([{ ...cookie, url: base }]);
		const page = await context.newPage();
		/** @type {Map<string, Promise<Chunk | null>>} */
		const scripts = new Map();
		page.on('response', (response) => {
			const url = new URL(response.url());
			const isScript = response.request().resourceType() === 'script' || url.pathname.endsWith('.js');
			if (!isScript || scripts.has(url.href)) return;
			scripts.set(
				url.href,
				response.body().then(
					(body) => ({ path: url.pathname, raw: body.length, gzip: gzipSync(body, { level: 9 }).length }),
					() => null
				)
			);
		});
		await page.goto(base + route, { waitUntil: 'load', timeout: 30_000 });
		await page.waitForTimeout(SETTLE_MS);
		const chunks = (await Promise.all(scripts.values())).filter((chunk) => chunk !== null);
		return { chunks, finalPath: new URL(page.url()).pathname };
	} finally {
		await browser.close();
	}
}
