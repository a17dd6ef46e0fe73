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

/** A migrated database of its own (with its URL on PostgreSQL); `close()` also drops it. */
export async function freshDatabase(engine: Engine): Promise<Database & { url?: string }> {
	if (engine === 'pglite') {
		const snapshot = await fs.readFile(inject('pgliteSnapshot'));
		return openPgliteMemory(new Blob([snapshot]));
	}
	const name = `cx_test_${randomBytes(6).toString('hex')}`;
	await createPostgresDatabase(name, inject('postgresTemplate')!);
	const url = withDatabase(inject('postgresUrl')!, name);
	const db = openPostgres(url, { max: 4 });
	return { ...db, url, close: () => db.close().then(() => dropPostgresDatabase(name)) };
}

/** Creates a database on the test server, empty or as a copy of `template`. */
export async function createPostgresDatabase(name: string, template?: string): Promise<void> {
	const admin = postgres(inject('postgresUrl')!, { max: 1, onnotice: () => {} });
	try {
		// Copying a template fails while anyone is connected to it; retry briefly if two files race.
		for (let attempt = 0; ; attempt++) {
			try {
				await admin.unsafe(`create database ${name}` + (template ? ` template ${template}` : ''));
				break;
			} catch (error) {
				if (attempt >= 20 || (error as { code?: string }).code !== '55006') throw error;
				await new Promise((resolve) => setTimeout(resolve, 100));
			}
		}
	} finally {
		await admin.end();
	}
}

export async function dropPostgresDatabase(name: string): Promise<void> {
	const admin = postgres(inject('postgresUrl')!, { max: 1, onnotice: () => {} });
	await admin.unsafe(`drop database if exists ${name} with (force)`);
	await admin.end();
}
