// The built app, served by `node src/serve.js` on a fresh PGlite data directory, driven in real
// Chromium: a participant joins from a phone, a facilitator signs in on a laptop.
// SCREENSHOT=1 also writes the README's pictures to static/readme/.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, PHONE, ROOT, browserSuite, findChromium, freePort, readmeScreenshot } from './server';

const chromium = findChromium();
if (!chromium) {
	console.warn(
		`[e2e] Skipping the browser smoke test: no Chromium at ${process.env.CHROMIUM_PATH || '/usr/bin/chromium'}. ` +
			`Install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH.`
	);
}

const DESKTOP = { viewport: { width: 1280, height: 800 } };

/** Runs a process to its end, at most `timeoutMs`, and returns its exit code and output. */
function runToExit(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number) {
	return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
		const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`still running after ${timeoutMs / 1000} s:\n${output}`));
		}, timeoutMs);
		child.once('error', reject);
		child.once('exit', (code) => {
			clearTimeout(timer);
			resolve({ code, output });
		});
	});
}

describe.skipIf(!chromium)('smoke: the built app in Chromium', () => {
	const suite = browserSuite(chromium!);
	const newPage = suite.open;

	it('reports a healthy, migrated PGlite database', async () => {
		const response = await fetch(`${suite.server.url}/api/health`);
		expect(response.status).toBe(200);
		const health = (await response.json()) as { ok: boolean; db: string; migrations: number };
		expect(health.ok).toBe(true);
		expect(health.db).toBe('pglite');
		expect(health.migrations).toBeGreaterThanOrEqual(4);
	});

	it('lets a participant join from a phone, and keeps them in on reload', async () => {
		const { context, page } = await newPage(PHONE);
		await page.goto('/');
		// Lower case and a zero for the O, as people type what they read off a projector.
		await page.getByLabel('Code on the screen').fill('dem042');
		await page.getByRole('button', { name: 'Join' }).click();
		await page.waitForURL('**/j/DEMO42');
		await page.getByRole('heading', { name: /Join workshop\s*DEMO42/ }).waitFor();

		await page.getByLabel('Your name').fill('Ana');
		await readmeScreenshot(page, 'phone-join.png', true);
		await page.getByRole('button', { name: 'Join' }).click();
		await page.waitForURL('**/w/DEMO42');
		const status = page.getByRole('status').filter({ hasText: "You're in" });
		expect(await status.textContent()).toContain("You're in, Ana.");
		await page.getByRole('heading', { name: 'Lobby' }).waitFor();
		await page.getByText('Customer excellence workshop').waitFor();

		const cookieOf = async () =>
			(await context.cookies(suite.server.url)).find((cookie) => cookie.name === 'cx_p_DEMO42');
		const joined = await cookieOf();
		expect(joined?.httpOnly).toBe(true);

		await page.reload();
		expect(new URL(page.url()).pathname).toBe('/w/DEMO42');
		expect(await status.textContent()).toContain("You're in, Ana.");
		expect((await cookieOf())?.value).toBe(joined?.value);

		// Opening the join page again goes straight back in as the same participant.
		await page.goto('/j/DEMO42');
		await page.waitForURL('**/w/DEMO42');
		expect(await status.textContent()).toContain("You're in, Ana.");
		expect((await cookieOf())?.value).toBe(joined?.value);
	});

	it('signs a facilitator in on a laptop and shows workshops and members', async () => {
		const { page } = await newPage(DESKTOP);
		await page.goto('/login');
		await page.getByLabel('E-mail').fill('demo@example.com');
		await page.getByLabel('Password').fill(DEMO_PASSWORD);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL('**/workshops');

		await page.getByRole('heading', { name: 'Workshops', level: 1 }).waitFor();
		await page.getByRole('heading', { name: 'Customer excellence workshop' }).waitFor();
		const demo = page.getByRole('listitem').filter({ hasText: 'Customer excellence workshop' });
		expect(await demo.textContent()).toContain('DEMO42');
		await readmeScreenshot(page, 'workshops.png', true);

		await page.goto('/org');
		await page.getByRole('heading', { name: 'Members' }).waitFor();
		expect(await page.getByRole('cell', { name: 'leader@example.com' }).count()).toBe(1);
		expect(await page.getByRole('cell', { name: 'demo@example.com' }).count()).toBe(1);
	});

	it('sends a signed-out visitor of /workshops to sign in', async () => {
		const { page } = await newPage(DESKTOP);
		const response = await page.goto('/workshops');
		const landed = new URL(page.url());
		expect(landed.pathname).toBe('/login');
		expect(landed.searchParams.get('next')).toBe('/workshops');
		expect(response?.status()).toBe(200);
		await page.getByRole('heading', { name: 'Sign in' }).waitFor();
		expect(await page.getByText('Customer excellence workshop').count()).toBe(0);
	});

	it('refuses a second server process on the same data directory', async () => {
		// Its own port, so only the data directory's lock can make it fail.
		const env = { ...suite.server.env, PORT: String(await freePort()) };
		const second = await runToExit(['src/serve.js'], env, 120_000);
		expect(second.code).not.toBe(0);
		expect(second.output).toContain('already in use by another CX Workshop process');
		expect(second.output).not.toContain('Listening on');

		// The first one is unharmed.
		const health = await fetch(`${suite.server.url}/api/health`);
		expect(((await health.json()) as { ok: boolean }).ok).toBe(true);
	});
});
