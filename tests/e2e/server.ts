// Starts the built app the way a facilitator does (`node src/serve.js`), on a free port and a fresh
// PGlite data directory, for browser tests. It does not build the app unless there is no build at all.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chromium as playwright, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DEMO_PASSWORD = 'e2e-demo-password';
/**
 * How long a test waits for a live update to reach a page. Waits are for the event; this limit only
 * turns a lost update into a failure, so it is generous (a busy machine is slow, never red). How fast
 * updates arrive is measured by the bench, not asserted by tests.
 */
export const LIVE_UPDATE_MS = 30_000;
/** A server that has neither said it is listening nor exited by now is stuck (start-up takes ~2 s). */
const STARTUP_LIMIT_MS = 240_000;

export interface TestServer {
	/** e.g. http://127.0.0.1:41234 */
	url: string;
	/** The temporary DATA_DIR the server owns (and locks). */
	dataDir: string;
	/** The environment the server was started with, to start a second process on the same data. */
	env: NodeJS.ProcessEnv;
	/** Sends SIGTERM, waits for the process to exit, removes the data directory. */
	stop(): Promise<void>;
	/** Everything the server printed so far (stdout and stderr, interleaved). */
	output(): string;
	/** Sends `signal` and resolves with how the process exited (it keeps the data directory). */
	signal(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The Debian Chromium the e2e tests drive (or CHROMIUM_PATH), or null when it is not installed. */
export function findChromium(): string | null {
	const candidate = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
	return existsSync(candidate) ? candidate : null;
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.unref();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			probe.close(() => (port ? resolve(port) : reject(new Error('no port from listen(0)'))));
		});
	});
}

export function ensureBuilt(): void {
	if (existsSync(path.join(ROOT, 'build', 'handler.js'))) return;
	console.log('[e2e] build/handler.js is missing: running `npx vite build` once (takes a minute)…');
	const result = spawnSync('npx', ['vite', 'build'], { cwd: ROOT, stdio: 'inherit' });
	if (result.status !== 0) throw new Error(`npx vite build failed (exit ${result.status ?? result.signal})`);
}

/** The environment for a server on PGlite in `dataDir`, whatever the test runner's own environment says. */
function serverEnv(port: number, dataDir: string): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {
		...process.env,
		NODE_ENV: 'production',
		HOST: '127.0.0.1',
		PORT: String(port),
		DATA_DIR: dataDir,
		DEMO_PASSWORD,
		LOG_LEVEL: 'info'
	};
	// These would switch the engine, the sign-in or the protocol handling away from what we test.
	for (const name of [
		'DATABASE_URL',
		'DEMO',
		'METRICS_TOKEN',
		'ORIGIN',
		'PROTOCOL_HEADER',
		'PUBLIC_SUPABASE_URL',
		'PUBLIC_SUPABASE_PUBLISHABLE_KEY',
		'PUBLIC_SUPABASE_ANON_KEY'
	]) {
		delete env[name];
	}
	return env;
}

function exited(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
	return new Promise((resolve) => child.once('exit', () => resolve()));
}

export interface StartOptions {
	/**
	 * Writes content into the fresh data directory before the server opens it (the server's lock is
	 * not taken yet): e.g. open it with the app's own migrator, seed rows, close it.
	 */
	prepare?: (dataDir: string) => Promise<void>;
	/** Settings on top of the test's own (e.g. PROTOCOL_HEADER, to act as if behind an HTTPS proxy). */
	env?: Record<string, string>;
	/** Where `src/serve.js` and `build/` are: the repository, or an install of them elsewhere. */
	root?: string;
}

export async function startServer(options: StartOptions = {}): Promise<TestServer> {
	ensureBuilt();
	const port = await freePort();
	const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cx-e2e-'));
	const env = { ...serverEnv(port, dataDir), ...options.env };
	try {
		await options.prepare?.(dataDir);
	} catch (error) {
		await rm(dataDir, { recursive: true, force: true });
		throw error;
	}
	const child = spawn(process.execPath, ['src/serve.js'], {
		cwd: options.root ?? ROOT,
		env,
		stdio: ['ignore', 'pipe', 'pipe']
	});

	let captured = '';
	child.stdout.setEncoding('utf8');
	child.stderr.setEncoding('utf8');
	child.stderr.on('data', (chunk: string) => (captured += chunk));

	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGTERM');
			// serve.js exits within 5 s (it forces its own exit then); past 15 s something is stuck.
			const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
			await exited(child);
			clearTimeout(killer);
		}
		await rm(dataDir, { recursive: true, force: true });
	};

	try {
		await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => {
				reject(new Error(`server did not say "Listening on" within ${STARTUP_LIMIT_MS / 1000} s`));
			}, STARTUP_LIMIT_MS);
			child.stdout.on('data', (chunk: string) => {
				captured += chunk;
				if (captured.includes('Listening on')) {
					clearTimeout(timer);
					resolve();
				}
			});
			child.once('exit', (code, signal) => {
				clearTimeout(timer);
				reject(new Error(`server exited during start-up (code ${code}, signal ${signal})`));
			});
			child.once('error', (error) => {
				clearTimeout(timer);
				reject(error);
			});
		});
	} catch (error) {
		await stop();
		const reason = error instanceof Error ? error.message : String(error);
		throw new Error(`${reason}\n--- server output ---\n${captured}`, { cause: error });
	}

	const signal = async (name: NodeJS.Signals) => {
		child.kill(name);
		await exited(child);
		return { code: child.exitCode, signal: child.signalCode };
	};
	return { url: `http://127.0.0.1:${port}`, dataDir, env, stop, output: () => captured, signal };
}

/** Debian's Chromium, headless, with the flags a closed network needs. */
export function launchChromium(executablePath: string): Promise<Browser> {
	return playwright.launch({
		executablePath,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			// Without these Chromium keeps calling Google's hosts, which a closed network refuses.
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync'
		]
	});
}

/** With SCREENSHOT=1, saves a picture for the README in static/readme/. */
export async function readmeScreenshot(page: Page, name: string, fullPage = false): Promise<void> {
	if (process.env.SCREENSHOT !== '1') return;
	const dir = path.join(ROOT, 'static', 'readme');
	await mkdir(dir, { recursive: true });
	// The picture shows the page as it settles, not halfway through an entrance.
	await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => {}))));
	await page.screenshot({ path: path.join(dir, name), fullPage });
}

export const PHONE = {
	viewport: { width: 390, height: 844 },
	deviceScaleFactor: 2,
	isMobile: true,
	hasTouch: true
};

/**
 * A built server and Chromium for one describe block: started before its tests, and closed after
 * them with every browser context the tests opened. Call inside the describe.
 */
export function browserSuite(chromiumPath: string, options: StartOptions = {}) {
	let server: TestServer | undefined;
	let browser: Browser | undefined;
	const contexts: BrowserContext[] = [];
	// A page whose server HTML the browser must restructure (a dialog inside a p, say) fails to
	// hydrate: Svelte renders it again from scratch, and what was typed before then is lost.
	const hydrationFailures: string[] = [];
	beforeAll(async () => {
		server = await startServer(options);
		browser = await launchChromium(chromiumPath);
	}, 120_000);
	// A failure in CI is read from its log alone: show what the server said.
	beforeEach(({ onTestFailed }) => {
		onTestFailed(() => {
			const said = server?.output().trim();
			if (said) console.error(`--- the server's output, to this failure ---\n${said.slice(-6000)}`);
		});
	});
	afterAll(async () => {
		for (const context of contexts) await context.close();
		await browser?.close();
		await server?.stop();
		if (hydrationFailures.length) throw new Error(`pages failed to hydrate: ${hydrationFailures.join(', ')}`);
	});
	return {
		get server(): TestServer {
			return server!;
		},
		/** A fresh browser context (its own cookies) on the server, and a page in it. */
		async open(options: Parameters<Browser['newContext']>[0] = {}) {
			const context = await browser!.newContext({ baseURL: server!.url, ...options });
			context.setDefaultTimeout(LIVE_UPDATE_MS);
			context.on('console', (message) => {
				if (message.text().includes('hydration_mismatch'))
					hydrationFailures.push(message.page()?.url() ?? '?');
			});
			contexts.push(context);
			return { context, page: await context.newPage() };
		}
	};
}

/** Signs in on the login page and waits to land on `next`. */
export async function signIn(page: Page, email: string, next: string): Promise<void> {
	await page.goto(`/login?next=${encodeURIComponent(next)}`);
	await page.getByLabel('E-mail').fill(email);
	await page.getByLabel('Password').fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL(`**${next}`);
}

/** Clicks a control on the facilitator's panel and waits for the server to accept it. */
export async function clickControl(panel: Page, name: string | RegExp): Promise<void> {
	const answered = panel.waitForResponse(
		(r) => r.request().method() === 'POST' && r.url().includes('/facilitate')
	);
	await panel.getByRole('button', { name }).first().click();
	const status = (await answered).status();
	if (status !== 200) throw new Error(`the panel answered ${status} to “${String(name)}”`);
}
