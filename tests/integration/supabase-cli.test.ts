// The official Supabase CLI and the app's migrator agree on what is applied, both ways round:
// the CLI sees an app-migrated database as up to date, and after `supabase migration up` the app
// finds nothing left to apply, with the same schema either way. Needs PostgreSQL (TEST_DATABASE_URL).
import compatSql from '$lib/server/db/compat.sql?raw';
import { migrate, migrations } from '$lib/server/db/migrate';
import { openPostgres } from '$lib/server/db/postgres';
import type { Database } from '$lib/server/db';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { withDatabase } from '../setup/global';
import { createPostgresDatabase, dropPostgresDatabase, freshDatabase } from '../setup/databases';

const run = promisify(execFile);

/** Runs the CLI against `url`; it insists on TLS unless told the local server has none. */
async function supabase(args: string[], url: string): Promise<string> {
	const dbUrl = `${url}${url.includes('?') ? '&' : '?'}sslmode=disable`;
	const { stdout, stderr } = await run('npx', ['supabase', ...args, '--db-url', dbUrl], { timeout: 120_000 });
	return stdout + stderr;
}

/** Tables, columns, policies and functions: enough to tell two schemas apart. */
async function fingerprint(db: Database): Promise<string[]> {
	const rows = await db.query<{ item: string }>(
		`select 'column ' || table_name || '.' || column_name || ' ' || data_type as item
		   from information_schema.columns where table_schema in ('cx', 'public', 'app')
		 union all
		 select 'policy ' || tablename || ': ' || policyname || ' ' || cmd from pg_policies where schemaname in ('cx', 'public')
		 union all
		 select 'function ' || n.nspname || '.' || p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
		   where n.nspname in ('app', 'auth')
		 order by 1`
	);
	return rows.map((row) => row.item);
}

describe.skipIf(!inject('postgresUrl'))('the Supabase CLI and the app agree on migrations', () => {
	let byApp: Database & { url?: string };
	let byCli: Database;
	const cliDatabase = `cx_cli_${randomBytes(6).toString('hex')}`;

	beforeAll(async () => {
		byApp = await freshDatabase('postgres');
		await createPostgresDatabase(cliDatabase);
		byCli = openPostgres(withDatabase(inject('postgresUrl')!, cliDatabase), { max: 2 });
	}, 60_000);
	afterAll(async () => {
		await byApp?.close();
		await byCli?.close();
		await dropPostgresDatabase(cliDatabase);
	});

	it('the CLI lists every migration the app applied as applied remotely', async () => {
		const listing = await supabase(['migration', 'list'], byApp.url!);
		const rows = [...listing.matchAll(/`?(\d{14})`?\s*\|\s*`?(\d{14})?`?\s*\|/g)].map(([, local, remote]) => [
			local,
			remote
		]);
		expect(rows).toEqual(migrations.map((m) => [m.version, m.version]));
	}, 120_000);

	it('after `supabase migration up`, the app has nothing to apply and the schema is the same', async () => {
		// Outside Supabase the platform's roles and auth functions come from the compat script first.
		await byCli.exec(compatSql);
		const output = await supabase(['migration', 'up'], withDatabase(inject('postgresUrl')!, cliDatabase));
		expect(output).toContain('Local database is up to date');
		expect(await migrate(byCli)).toEqual({ applied: [], total: migrations.length });
		expect(await fingerprint(byCli)).toEqual(await fingerprint(byApp));
	}, 120_000);
});
