// Running it in production: a request id on every response and log line, one JSON line per request,
// health that says what the instance holds, Prometheus metrics behind a token, and an unexpected
// error that shows its reference and logs it — over HTTP to the built server.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { join } from '../bench/workshop.js';
import { createPostgresDatabase, dropPostgresDatabase, engines } from '../setup/databases';
import { withDatabase } from '../setup/global';
import { startServer, type TestServer } from './server';

const METRICS_TOKEN = 'a-scraper-token-for-the-test';

/** The server's JSON log lines so far (its plain start-up lines left out). */
function logLines(server: TestServer): Record<string, unknown>[] {
	return server
		.output()
		.split('\n')
		.filter((line) => line.startsWith('{'))
		.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('observing the server', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startServer({ env: { METRICS_TOKEN } });
	});
	afterAll(() => server?.stop());

	it('gives every request an id, on its answer and on its one log line, naming the route and not the path', async () => {
		const answer = await fetch(`${server.url}/j/DEMO42`);
		const id = answer.headers.get('x-request-id');
		expect(id).toMatch(/^[0-9a-f-]{36}$/);
		// A proxy's id is kept, so its log and ours line up.
		const proxied = await fetch(`${server.url}/api/health`, { headers: { 'x-request-id': 'proxy-7f3a9c' } });
		expect(proxied.headers.get('x-request-id')).toBe('proxy-7f3a9c');

		await expect.poll(() => logLines(server).filter((line) => line.req === id)).toHaveLength(1);
		expect(logLines(server).find((line) => line.req === id)).toMatchObject({
			level: 'info',
			msg: 'request',
			method: 'GET',
			route: '/j/[code]',
			status: 200,
			ms: expect.any(Number)
		});
		expect(server.output()).not.toContain('DEMO42"');
	});

	it('says in its health which version it runs and the live streams it holds, by audience', async () => {
		const { cookie } = await join(server.url, 'Health check');
		const stream = new AbortController();
		const events = await fetch(`${server.url}/w/DEMO42/events`, {
			headers: { cookie },
			signal: stream.signal
		});
		const reader = events.body!.getReader();
		await reader.read(); // the stream has started
		try {
			const health = await fetch(`${server.url}/api/health`);
			expect(health.status).toBe(200);
			expect(await health.json()).toMatchObject({
				ok: true,
				version: expect.stringMatching(/^\d+\.\d+\.\d+/),
				db: 'pglite',
				draining: false,
				migrations: expect.any(Number),
				live: { workshops: 1, streams: { participant: 1, screen: 0, facilitator: 0 } }
			});
		} finally {
			stream.abort();
		}
	});

	it('serves Prometheus metrics to the holder of the token only', async () => {
		expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
		const wrong = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer not-it' } });
		expect(wrong.status).toBe(401);
		const metrics = await fetch(`${server.url}/metrics`, {
			headers: { authorization: `Bearer ${METRICS_TOKEN}` }
		});
		expect(metrics.status).toBe(200);
		const text = await metrics.text();
		expect(text).toMatch(
			/^cx_http_request_duration_seconds_count\{method="GET",route="\/j\/\[code\]",status="200"\} \d+$/m
		);
		expect(text).toMatch(/^cx_live_streams\{audience="participant"\} \d+$/m);
		for (const name of [
			'cx_live_deltas_sent_total',
			'cx_live_announcements_pending',
			'nodejs_eventloop_lag_p99_seconds'
		]) {
			expect(text).toContain(`\n${name} `);
		}
	});
});

describe('without a metrics token', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startServer();
	});
	afterAll(() => server?.stop());

	it('has no metrics at all', async () => {
		expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
	});
});

describe.skipIf(!engines.includes('postgres'))('an unexpected error', () => {
	const name = `cx_test_${randomBytes(6).toString('hex')}`;
	let server: TestServer;
	beforeAll(async () => {
		await createPostgresDatabase(name, inject('postgresTemplate')!);
		server = await startServer({ env: { DATABASE_URL: withDatabase(inject('postgresUrl')!, name) } });
	});
	afterAll(async () => {
		await server?.stop();
		await dropPostgresDatabase(name);
	});

	it('shows its reference and no details, and logs the error under that reference', async () => {
		// The database loses what the join page reads (as a botched manual change would do).
		const admin = postgres(withDatabase(inject('postgresUrl')!, name), { max: 1, onnotice: () => {} });
		await admin.unsafe(`drop function app.workshop_preview(text)`);
		await admin.end();

		const answer = await fetch(`${server.url}/j/DEMO42`);
		expect(answer.status).toBe(500);
		const id = answer.headers.get('x-request-id')!;
		const page = await answer.text();
		expect(page).toContain('Something went wrong on our side.');
		expect(page).toContain(id);
		expect(page).not.toContain('workshop_preview');
		await expect
			.poll(() => logLines(server).find((line) => line.req === id && line.msg === 'request failed'))
			.toMatchObject({
				level: 'error',
				status: 500,
				route: '/j/[code]',
				err: { message: expect.stringContaining('workshop_preview') }
			});
	});
});
