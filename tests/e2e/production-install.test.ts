// The install a server or a container makes (the Dockerfile's last stage): the build, the start script
// and the production dependencies, nothing else. Docker cannot run here, so this makes the same install
// by hand, starts it and asks it for pages; and it reads the Dockerfile to hold it to the same files.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ensureBuilt, startServer, type TestServer } from './server';

/** What the runtime holds besides `node_modules`: the same list as the Dockerfile's last stage. */
const RUNTIME_FILES = ['build', 'package.json', 'src/serve.js'];

/** The Dockerfile's stages, each with its instructions (continuation lines joined). */
async function dockerfileStages(): Promise<{ from: string; lines: string[] }[]> {
	const text = (await readFile(path.join(ROOT, 'Dockerfile'), 'utf8')).replace(/\\\n\s*/g, ' ');
	const stages: { from: string; lines: string[] }[] = [];
	for (const line of text.split('\n').map((l) => l.trim())) {
		if (!line || line.startsWith('#')) continue;
		if (line.startsWith('FROM ')) stages.push({ from: line, lines: [] });
		else stages.at(-1)?.lines.push(line);
	}
	return stages;
}

describe('a production install', () => {
	let dir: string;
	let server: TestServer | undefined;

	beforeAll(async () => {
		ensureBuilt();
		dir = await mkdtemp(path.join(os.tmpdir(), 'cx-production-'));
		await mkdir(path.join(dir, 'src'));
		for (const file of [...RUNTIME_FILES, 'package-lock.json']) {
			await cp(path.join(ROOT, file), path.join(dir, file), { recursive: true });
		}
		// As the Dockerfile does (from the npm cache when it has the packages).
		const install = spawnSync(
			'npm',
			['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'],
			{ cwd: dir, encoding: 'utf8', timeout: 280_000 }
		);
		if (install.status !== 0) throw new Error(`npm install --omit=dev failed:\n${install.stderr}`);
		server = await startServer({ root: dir });
	}, 300_000);

	afterAll(async () => {
		await server?.stop();
		if (dir) await rm(dir, { recursive: true, force: true });
	});

	it('holds the runtime dependencies and none of the development tools', () => {
		for (const runtime of ['@electric-sql/pglite', 'postgres', 'compression', 'marked', 'sanitize-html']) {
			expect(existsSync(path.join(dir, 'node_modules', runtime)), runtime).toBe(true);
		}
		for (const tool of ['vite', '@sveltejs/kit', 'vitest', 'playwright-core', 'supabase']) {
			expect(existsSync(path.join(dir, 'node_modules', tool)), tool).toBe(false);
		}
	});

	it('starts on the embedded database and serves its health, home and join pages', async () => {
		const health = await fetch(`${server!.url}/api/health`);
		expect(health.status).toBe(200);
		expect(await health.json()).toMatchObject({ ok: true, db: 'pglite' });
		const home = await fetch(`${server!.url}/`);
		expect(home.status).toBe(200);
		expect(await home.text()).toContain('CX Workshop');
		const join = await fetch(`${server!.url}/j/DEMO42`);
		expect(join.status).toBe(200);
		// Its styles and scripts come from the build it was given.
		const asset = /\/_app\/immutable\/[^"]+\.js/.exec(await join.text())?.[0];
		expect(asset).toBeDefined();
		expect((await fetch(`${server!.url}${asset}`)).status).toBe(200);
	});
});

describe('the Dockerfile', () => {
	it('builds on Node 20 slim and runs as an unprivileged user, with a health check', async () => {
		const stages = await dockerfileStages();
		expect(stages.length).toBeGreaterThanOrEqual(2);
		for (const stage of stages) expect(stage.from).toMatch(/^FROM node:20-slim\b/);
		const runtime = stages.at(-1)!.lines;
		const user = runtime.findIndex((line) => line.startsWith('USER '));
		expect(runtime[user]).toBe('USER node');
		expect(runtime.findIndex((line) => line.startsWith('CMD '))).toBeGreaterThan(user);
		expect(runtime.find((line) => line.startsWith('HEALTHCHECK '))).toContain('/api/health');
	});

	it('puts in its runtime exactly what the production install above holds', async () => {
		const runtime = (await dockerfileStages()).at(-1)!.lines;
		const copied = runtime
			.filter((line) => line.startsWith('COPY '))
			.map((line) => line.split(/\s+/).filter((word) => !word.startsWith('--')))
			.map((words) => path.relative('/app', path.resolve('/app', words[1]!)));
		expect(copied.sort()).toEqual([...RUNTIME_FILES, 'node_modules'].sort());
		// The production dependencies come from a stage that installs nothing else.
		const stages = await dockerfileStages();
		const dependencies = stages.find((stage) => stage.from.endsWith(' AS dependencies'))!;
		expect(dependencies.lines.filter((line) => line.startsWith('RUN '))).toEqual([
			expect.stringContaining('npm install --omit=dev')
		]);
	});

	it('copies from the build context only files the repository has', async () => {
		for (const stage of await dockerfileStages()) {
			for (const line of stage.lines.filter((l) => l.startsWith('COPY ') && !l.includes('--from='))) {
				const sources = line
					.split(/\s+/)
					.filter((word) => !word.startsWith('--'))
					.slice(1, -1);
				for (const source of sources.filter((s) => s !== '.')) {
					expect(existsSync(path.join(ROOT, source)), source).toBe(true);
				}
			}
		}
	});
});
