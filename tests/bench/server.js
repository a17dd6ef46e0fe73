// The app under test: built if stale, started as `node src/serve.js` on a free port and a fresh
// database (a temp PGlite DATA_DIR, or a re-created PostgreSQL database), watched through /proc.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DEMO_PASSWORD = 'bench-demo-password';
const STARTUP_TIMEOUT_MS = 60_000;
const OUTPUT_LINES_KEPT = 400;

/**
 * Newest modification time under `dir` (files only), in ms.
 * @param {string} dir
 * @returns {number}
 */
function newestUnder(dir) {
	let newest = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		newest = Math.max(newest, entry.isDirectory() ? newestUnder(full) : statSync(full).mtimeMs);
	}
	return newest;
}

/** True when build/handler.js is missing or older than the sources it is built from. */
export function buildIsStale() {
	const handler = path.join(ROOT, 'build', 'handler.js');
	if (!existsSync(handler)) return true;
	const sources = Math.max(
		newestUnder(path.join(ROOT, 'src')),
		...['svelte.config.js', 'vite.config.ts', 'package.json'].map((f) => statSync(path.join(ROOT, f)).mtimeMs)
	);
	return sources > statSync(handler).mtimeMs;
}

export function build() {
	const started = performance.now();
	const result = spawnSync('npx', ['vite', 'build'], { cwd: ROOT, encoding: 'utf8' });
	if (result.status !== 0) {
		throw new Error(`npx vite build failed (exit ${result.status ?? result.signal}):\n${result.stderr}`);
	}
	return (performance.now() - started) / 1000;
}

/** @returns {Promise<number>} a port nobody listens on right now */
export function freePort() {
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

/**
 * Drops and re-creates `name` on the PostgreSQL server at `adminUrl`; returns the new database's URL.
 * @param {string} adminUrl
 * @param {string} name
 */
export async function freshPostgresDatabase(adminUrl, name) {
	await dropPostgresDatabase(adminUrl, name);
	const { default: postgres } = await import('postgres');
	const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
	try {
		await sql.unsafe(`create database ${name}`);
	} finally {
		await sql.end({ timeout: 5 });
	}
	const url = new URL(adminUrl);
	url.pathname = `/${name}`;
	return url.href;
}

/**
 * @param {string} adminUrl
 * @param {string} name
 */
export async function dropPostgresDatabase(adminUrl, name) {
	const { default: postgres } = await import('postgres');
	const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
	try {
		await sql.unsafe(`drop database if exists ${name} with (force)`);
	} finally {
		await sql.end({ timeout: 5 });
	}
}

/**
 * CPU seconds so far of each PostgreSQL backend serving `database` (same machine only: read from /proc).
 * The app's own process does not include them, so PostgreSQL's share is counted separately.
 * @param {string} adminUrl
 * @param {string} database
 * @returns {Promise<Map<number, number>>} pid → CPU seconds
 */
export async function databaseCpu(adminUrl, database) {
	const { default: postgres } = await import('postgres');
	const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
	try {
		const rows = await sql`select pid from pg_stat_activity where datname = ${database}`;
		/** @type {Map<number, number>} */
		const cpu = new Map();
		for (const { pid } of rows) {
			try {
				cpu.set(Number(pid), processStats(Number(pid)).cpuSeconds);
			} catch {
				// gone already, or on another machine
			}
		}
		return cpu;
	} finally {
		await sql.end({ timeout: 5 });
	}
}

/**
 * @typedef {object} BenchServer
 * @property {string} url
 * @property {number} pid
 * @property {() => Promise<void>} stop SIGTERM, wait, remove the temp dir (not a dataDir given)
 * @property {(n: number) => string[]} tail the last n lines the server printed
 * @property {() => string[]} errorLines lines printed on stderr
 * @property {() => { code: number | null, signal: string | null }} exitStatus once stopped
 */

/**
 * @param {{ databaseUrl?: string, dataDir?: string, port?: number }} options no databaseUrl = PGlite, in
 *   `dataDir` (kept on stop, for a second start on the same data) or else a fresh temp DATA_DIR; `port`
 *   to start again where clients already connect (else a free one)
 * @returns {Promise<BenchServer>}
 */
export async function startServer({ databaseUrl, dataDir: givenDataDir, port: givenPort }) {
	const port = givenPort ?? (await freePort());
	const dataDir = givenDataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'cx-bench-')));
	/** @type {NodeJS.ProcessEnv} */
	const env = {
		...process.env,
		NODE_ENV: 'production',
		HOST: '127.0.0.1',
		PORT: String(port),
		DATA_DIR: dataDir,
		DEMO_PASSWORD
	};
	// These would switch the engine, the sign-in or the protocol handling away from what we measure.
	for (const name of [
		'DATABASE_URL',
		'DEMO',
		'ORIGIN',
		'PROTOCOL_HEADER',
		'PUBLIC_SUPABASE_URL',
		'PUBLIC_SUPABASE_PUBLISHABLE_KEY',
		'PUBLIC_SUPABASE_ANON_KEY'
	]) {
		delete env[name];
	}
	if (databaseUrl) env.DATABASE_URL = databaseUrl;

	// Through sh only to raise the open-files limit to the hard limit; `exec` keeps the pid ours.
	const child = spawn(
		'/bin/sh',
		[
			'-c',
			'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" $CX_BENCH_SERVER_NODE_ARGS src/serve.js',
			process.execPath
		],
		{ cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }
	);
	/** @type {string[]} */
	const lines = [];
	/** @type {string[]} */
	const errorLines = [];
	/**
	 * @param {string} chunk
	 * @param {boolean} isError
	 */
	const keep = (chunk, isError) => {
		for (const line of chunk.split('\n')) {
			if (!line) continue;
			lines.push(line);
			if (isError && errorLines.length < OUTPUT_LINES_KEPT) errorLines.push(line);
		}
		if (lines.length > OUTPUT_LINES_KEPT) lines.splice(0, lines.length - OUTPUT_LINES_KEPT);
	};
	child.stdout.setEncoding('utf8');
	child.stderr.setEncoding('utf8');
	child.stderr.on('data', (chunk) => keep(chunk, true));

	const exited = new Promise((resolve) => child.once('exit', resolve));
	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGTERM');
			// serve.js ends live streams after 2 s; past 15 s something is stuck.
			const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
			await exited;
			clearTimeout(killer);
		}
		if (!givenDataDir) await rm(dataDir, { recursive: true, force: true });
	};

	try {
		await new Promise((resolve, reject) => {
			const timer = setTimeout(
				() => reject(new Error(`server did not say "Listening on" within ${STARTUP_TIMEOUT_MS / 1000} s`)),
				STARTUP_TIMEOUT_MS
			);
			child.stdout.on('data', (chunk) => {
				keep(chunk, false);
				if (lines.some((line) => line.includes('Listening on'))) {
					clearTimeout(timer);
					resolve(undefined);
				}
			});
			child.once('exit', (code, signal) => {
				clearTimeout(timer);
				reject(new Error(`server exited during start-up (code ${code}, signal ${signal})`));
			});
		});
	} catch (error) {
		await stop();
		const reason = error instanceof Error ? error.message : String(error);
		throw new Error(`${reason}\n--- server output ---\n${lines.join('\n')}`, { cause: error });
	}

	return {
		url: `http://127.0.0.1:${port}`,
		pid: child.pid ?? 0,
		stop,
		tail: (n) => lines.slice(-n),
		errorLines: () => errorLines,
		exitStatus: () => ({ code: child.exitCode, signal: child.signalCode })
	};
}

const CLOCK_TICKS = (() => {
	try {
		return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
	} catch {
		return 100;
	}
})();

/**
 * CPU seconds (user + system) and memory of a process, from /proc.
 * @param {number} pid
 * @returns {{ cpuSeconds: number, peakRssMb: number, rssMb: number, openFiles: number }}
 */
export function processStats(pid) {
	// Fields after the ")" of the command name: state is field 3, utime 14, stime 15.
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	const ticks = Number(fields[11]) + Number(fields[12]);
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	/** @param {string} key */
	const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
	let openFiles = 0;
	try {
		openFiles = readdirSync(`/proc/${pid}/fd`).length;
	} catch {
		// not ours to read; leave 0
	}
	return {
		cpuSeconds: ticks / CLOCK_TICKS,
		peakRssMb: kb('VmHWM') / 1024,
		rssMb: kb('VmRSS') / 1024,
		openFiles
	};
}

/**
 * The soft and hard open-files limits of this process.
 * @returns {{ soft: number, hard: number }}
 */
export function openFilesLimit() {
	const line = readFileSync('/proc/self/limits', 'utf8')
		.split('\n')
		.find((l) => l.startsWith('Max open files'));
	const [soft, hard] = (line ?? '')
		.replace('Max open files', '')
		.trim()
		.split(/\s+/)
		.map((v) => (v === 'unlimited' ? Infinity : Number(v)));
	return { soft: soft ?? 1024, hard: hard ?? 1024 };
}
