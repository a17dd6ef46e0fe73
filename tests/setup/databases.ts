// Fresh, migrated databases for integration tests, on every engine under test. Never a mock.
import { openPgliteMemory } from '$lib/server/db/pglite';
import { openPostgres } from '$lib/server/db/postgres';
import type { Database, Engine } from '$lib/server/db';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import postgres from 'postgres';
import { inject } from 'vitest';
import { withDatabase } from './global';

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL is set (as CI does). */
export const engines: Engine[] = inject('postgresTemplate') ? ['pglite', 'postgres'] : ['pglite'];

/** A migrated database of its own; `close()` also drops it. */
export async function freshDatabase(engine: Engine): Promise<Database> {
	if (engine === 'pglite') {
		const snapshot = await fs.readFile(inject('pgliteSnapshot'));
		return openPgliteMemory(new Blob([snapshot]));
	}
	const url = inject('postgresUrl')!;
	const name = `cx_test_${randomBytes(6).toString('hex')}`;
	const admin = postgres(url, { max: 1, onnotice: () => {} });
	try {
		// Copying a template fails while anyone is connected to it; retry briefly if two files race.
		for (let attempt = 0; ; attempt++) {
			try {
				await admin.unsafe(`create database ${name} template ${inject('postgresTemplate')}`);
				break;
			} catch (error) {
				if (attempt >= 20 || (error as { code?: string }).code !== '55006') throw error;
				await new Promise((resolve) => setTimeout(resolve, 100));
			}
		}
	} finally {
		await admin.end();
	}
	const db = openPostgres(withDatabase(url, name), { max: 4 });
	return {
		...db,
		close: async () => {
			await db.close();
			const cleanup = postgres(url, { max: 1, onnotice: () => {} });
			await cleanup.unsafe(`drop database if exists ${name} with (force)`);
			await cleanup.end();
		}
	};
}
