// Migrates once per engine, so each test file can start from a fresh, migrated database cheaply:
// PGlite clones a dumped data directory (~0.3 s), PostgreSQL copies a template database.
import { migrate } from '$lib/server/db/migrate';
import { openPgliteMemory } from '$lib/server/db/pglite';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
	export interface ProvidedContext {
		pgliteSnapshot: string;
		postgresUrl: string | null;
		postgresTemplate: string | null;
	}
}

export async function setup(project: TestProject) {
	const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cx-test-'));
	const pglite = await openPgliteMemory();
	await migrate(pglite);
	const snapshot = path.join(dir, 'migrated.tar');
	await fs.writeFile(snapshot, Buffer.from(await (await pglite.dump()).arrayBuffer()));
	await pglite.close();
	project.provide('pgliteSnapshot', snapshot);

	const url = process.env.TEST_DATABASE_URL || null;
	let template: string | null = null;
	if (url) {
		template = `cx_template_${process.pid}`;
		const admin = postgres(url, { max: 1, onnotice: () => {} });
		await admin.unsafe(`drop database if exists ${template}`);
		await admin.unsafe(`create database ${template}`);
		await admin.end();
		const { openPostgres } = await import('$lib/server/db/postgres');
		const db = openPostgres(withDatabase(url, template), { max: 1 });
		await migrate(db);
		await db.close();
	} else {
		console.warn('TEST_DATABASE_URL is not set: integration tests run on PGlite only.');
	}
	project.provide('postgresUrl', url);
	project.provide('postgresTemplate', template);

	return async () => {
		await fs.rm(dir, { recursive: true, force: true });
		if (url && template) {
			const admin = postgres(url, { max: 1, onnotice: () => {} });
			await admin.unsafe(`drop database if exists ${template} with (force)`);
			await admin.end();
		}
	};
}

export function withDatabase(url: string, database: string): string {
	const parsed = new URL(url);
	parsed.pathname = `/${database}`;
	return parsed.toString();
}
