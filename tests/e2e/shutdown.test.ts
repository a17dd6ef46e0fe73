// A clean shutdown under load, on each engine: SIGTERM while phones hold live streams and keep
// posting ends every stream, lets the posts in flight finish or refuses them, closes the database
// and exits by itself with code 0 (the server gives itself 5 s, then says it forced the exit).
// SHUTDOWN_PHONES sets the load (250 phones by default; 300 hung the server on PostgreSQL before).
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, dropPostgresDatabase } from '../setup/databases';
import { withDatabase } from '../setup/global';
import { startServer, type TestServer } from './server';

const CODE = 'DEMO42';
const PHONES = Number(process.env.SHUTDOWN_PHONES ?? 250);

const engines = inject('postgresUrl') ? ['pglite', 'postgres'] : ['pglite'];

async function join(server: TestServer, name: string): Promise<string> {
	const response = await fetch(`${server.url}/j/${CODE}`, {
		method: 'POST',
		body: new URLSearchParams({ display_name: name }),
		redirect: 'manual',
		headers: { origin: server.url }
	});
	return response.headers.get('set-cookie')!.split(';')[0]!;
}

/** Opens a phone's live stream and resolves once its snapshot has arrived; `ended` settles when it closes. */
async function openStream(server: TestServer, cookie: string) {
	const response = await fetch(`${server.url}/w/${CODE}/events`, { headers: { cookie } });
	const reader = response.body!.getReader();
	const decoder = new TextDecoder();
	let text = '';
	while (!text.includes('event: snapshot')) {
		const { value, done } = await reader.read();
		if (done) throw new Error('stream ended before its snapshot');
		text += decoder.decode(value);
	}
	const ended = (async () => {
		try {
			while (!(await reader.read()).done);
		} catch {
			// a reset is an end too
		}
	})();
	return { ended };
}

describe.each(engines)('shutdown under load on %s', (engine) => {
	let databaseName: string | undefined;
	afterAll(async () => {
		if (databaseName) await dropPostgresDatabase(databaseName);
	});

	it('ends the streams, closes the database and exits with code 0 by itself', async () => {
		let env: Record<string, string> = {};
		if (engine === 'postgres') {
			databaseName = `cx_shutdown_${randomBytes(4).toString('hex')}`;
			await createPostgresDatabase(databaseName);
			env = { DATABASE_URL: withDatabase(inject('postgresUrl')!, databaseName) };
		}
		const server = await startServer({ env });
		try {
			const cookies = await Promise.all(Array.from({ length: PHONES }, (_, i) => join(server, `Phone ${i}`)));
			const streams = await Promise.all(cookies.map((cookie) => openStream(server, cookie)));

			// Phones keep posting while the signal arrives: each answer is a 2xx/3xx/4xx, a 503 "restarting"
			// for a request sent after the signal, or a refused connection; never a 500.
			let posting = true;
			const statuses: number[] = [];
			const load = cookies.map(async (cookie, i) => {
				while (posting) {
					try {
						const response = await fetch(`${server.url}/w/${CODE}?/ready`, {
							method: 'POST',
							body: new URLSearchParams({ stage: 'lobby', ready: i % 2 ? 'yes' : 'no' }),
							headers: { origin: server.url, cookie, 'x-sveltekit-action': 'true' }
						});
						statuses.push(response.status);
						await response.arrayBuffer();
					} catch {
						return; // the server has stopped listening
					}
				}
			});
			// Once every phone has been answered at least once, the server is busy: stop it now.
			while (statuses.length < PHONES) await new Promise((resolve) => setImmediate(resolve));
			const exit = server.signal('SIGTERM');
			await Promise.all(streams.map((stream) => stream.ended));
			const { code, signal } = await exit;
			posting = false;
			await Promise.all(load);

			expect({ code, signal }).toEqual({ code: 0, signal: null });
			expect(statuses.filter((status) => status >= 500 && status !== 503)).toEqual([]);
			expect(server.output()).toContain('Database closed.');
			expect(server.output()).not.toContain('forcing');
		} finally {
			await server.stop();
		}
	}, 120_000);
});
