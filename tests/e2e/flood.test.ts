// Over HTTP to the built server: join-code guesses limited per address (429 with Retry-After),
// while the right code keeps opening for a venue's phones behind the same address; an ended
// workshop's join page answers like an unknown code.
import { closeDatabase, openDatabase } from '$lib/server/db';
import { seedDemo } from '$lib/server/demo';
import { MISSES_ALLOWED } from '$lib/server/joinGuesses';
import { PGlite } from '@electric-sql/pglite';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_PASSWORD, startServer, type TestServer } from './server';

const ENDED = 'ENDED2';
/** The address each request claims, as a proxy would say it (ADDRESS_HEADER). */
const ADDRESS = 'x-test-address';

let server: TestServer;
beforeAll(async () => {
	server = await startServer({
		env: { ADDRESS_HEADER: ADDRESS },
		prepare: async (dataDir) => {
			const snapshot = new Blob([await readFile(inject('pgliteSnapshot'))]);
			await (await PGlite.create({ dataDir: `${dataDir}/pgdata`, loadDataDir: snapshot })).close();
			const db = await openDatabase({ DATA_DIR: dataDir });
			try {
				await seedDemo(db, DEMO_PASSWORD);
				await db.query(
					`insert into workshops (org_id, title, join_code, created_by, status, ended_at)
					 select m.org_id, 'Last year', $1, m.user_id, 'ended', now() from memberships m where m.role = 'owner' limit 1`,
					[ENDED]
				);
			} finally {
				await closeDatabase();
			}
		}
	});
}, 120_000);
afterAll(() => server?.stop());

function request(path: string, from: string, body?: URLSearchParams) {
	return fetch(server.url + path, {
		method: body ? 'POST' : 'GET',
		body,
		redirect: 'manual',
		headers: { origin: server.url, accept: 'text/html', [ADDRESS]: from }
	});
}

describe('a room that cannot be flooded, over HTTP', () => {
	it('answers an ended workshop’s join page like an unknown code', async () => {
		const ended = await request(`/j/${ENDED}`, '198.51.100.1');
		const unknown = await request('/j/QQQQQQ', '198.51.100.1');
		expect(ended.status).toBe(404);
		expect(unknown.status).toBe(404);
		const words = 'No workshop has that code';
		expect(await ended.text()).toContain(words);
		expect(await unknown.text()).toContain(words);
		const joining = await request(
			`/j/${ENDED}`,
			'198.51.100.1',
			new URLSearchParams({ display_name: 'Eve' })
		);
		expect(joining.status).toBe(404);
		expect(joining.headers.get('set-cookie')).toBeNull();
	});

	it('makes an address that keeps guessing wait, while its venue’s right code still opens', async () => {
		const venue = '203.0.113.7';
		expect((await request('/j/DEMO42', venue)).status).toBe(200);
		for (let i = 0; i < MISSES_ALLOWED; i++) {
			const miss = await request('/?/join', venue, new URLSearchParams({ code: `WRNG${i + 10}` }));
			expect(miss.status).toBe(404);
		}
		for (const refused of [
			await request('/?/join', venue, new URLSearchParams({ code: 'WRNG99' })),
			await request('/j/WRNG98', venue),
			await request('/j/WRNG97', venue, new URLSearchParams({ display_name: 'Bot' }))
		]) {
			expect(refused.status).toBe(429);
			expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
			expect(await refused.text()).toContain('Too many wrong workshop codes');
		}
		// The code found from this address keeps working for every phone there.
		const joins = await Promise.all(
			Array.from({ length: 20 }, (_, i) =>
				request('/j/DEMO42', venue, new URLSearchParams({ display_name: `Phone ${i}` }))
			)
		);
		expect(joins.map((response) => response.status)).toEqual(joins.map(() => 303));
		expect((await request('/?/join', venue, new URLSearchParams({ code: 'demo42' }))).status).toBe(303);
		// Another address is not slowed by this one's guesses.
		expect((await request('/j/WRNG98', '203.0.113.8')).status).toBe(404);
	});
});
