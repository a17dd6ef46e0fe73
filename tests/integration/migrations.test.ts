import { checksum, countApplied, migrate, migrations } from '$lib/server/db/migrate';
import type { Database } from '$lib/server/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';

// Tables that hold secrets: RLS on, no policies, no grants — only the owner connection reads them.
const SECRET_TABLES = [
	'credentials',
	'join_throttles',
	'participant_secrets',
	'password_resets',
	'sessions',
	'sign_in_throttles'
];

describe.each(engines)('schema on %s', (engine) => {
	let db: Database;
	beforeAll(async () => {
		db = await freshDatabase(engine);
	});
	afterAll(() => db.close());

	it('records every migration where the Supabase CLI looks for it', async () => {
		const rows = await db.query<{ version: string; name: string; statements: string[] }>(
			`select version, name, statements from supabase_migrations.schema_migrations order by version`
		);
		expect(rows.map((row) => row.version)).toEqual(migrations.map((m) => m.version));
		expect(rows.map((row) => row.name)).toEqual(migrations.map((m) => m.name));
		expect(rows[0]!.statements.join('')).toContain('create table public.organisations');
		expect(await countApplied(db)).toBe(migrations.length);
	});

	it('applies nothing the second time', async () => {
		expect(await migrate(db)).toEqual({ applied: [], total: migrations.length });
	});

	it('refuses to start, naming the file, when an applied migration has been edited', async () => {
		const edited = migrations.map((m, i) => (i === 2 ? { ...m, sql: m.sql + '\n-- an edit in place\n' } : m));
		const name = `${migrations[2]!.version}_${migrations[2]!.name}.sql`;
		await expect(migrate(db, edited)).rejects.toThrow(`Refusing to start: ${name} changed after`);
		// Line endings alone are not an edit.
		const crlf = migrations.map((m) => ({ ...m, sql: m.sql.replace(/\n/g, '\r\n') }));
		expect(await migrate(db, crlf)).toEqual({ applied: [], total: migrations.length });
	});

	it('keeps a checksum per applied migration, trusting once one recorded without it', async () => {
		await db.query(`delete from supabase_migrations.cx_checksums where version = $1`, [
			migrations[0]!.version
		]);
		await migrate(db);
		const rows = await db.query<{ version: string; sha256: string }>(
			`select version, sha256 from supabase_migrations.cx_checksums order by version`
		);
		expect(rows).toEqual(migrations.map((m) => ({ version: m.version, sha256: checksum(m.sql) })));
	});

	it('has row-level security on every table, and a policy on every table but the secret ones', async () => {
		const tables = await db.query<{ name: string; rls: boolean; policies: number }>(
			`select c.relname as name, c.relrowsecurity as rls,
			        (select count(*)::int from pg_policies p where p.schemaname = 'cx' and p.tablename = c.relname) as policies
			 from pg_class c join pg_namespace n on n.oid = c.relnamespace
			 where n.nspname = 'cx' and c.relkind = 'r' order by 1`
		);
		expect(tables.length).toBeGreaterThanOrEqual(25);
		for (const table of tables) {
			expect(table.rls, `${table.name} has RLS`).toBe(true);
			if (SECRET_TABLES.includes(table.name)) expect(table.policies, table.name).toBe(0);
			else expect(table.policies, `${table.name} has policies`).toBeGreaterThan(0);
		}
	});

	it('grants nothing on secret tables to request roles', async () => {
		const grants = await db.query<{ table_name: string }>(
			`select table_name from information_schema.role_table_grants
			 where table_schema = 'cx' and grantee in ('anon', 'authenticated') and table_name = any ($1)`,
			[SECRET_TABLES]
		);
		expect(grants).toEqual([]);
	});

	it('provides Supabase-compatible auth.uid() and auth.jwt() from request.jwt.claims', async () => {
		const sub = '6f1c1a9e-6a55-4a7e-9a4d-3d1b7d1f0c11';
		const [row] = await db.transaction(async (tx) => {
			await tx.query(`select set_config('request.jwt.claims', $1, true)`, [
				JSON.stringify({ sub, role: 'authenticated' })
			]);
			return tx.query<{ uid: string; role: string; jwt: { sub: string } }>(
				`select auth.uid() as uid, auth.role() as role, auth.jwt() as jwt`
			);
		});
		expect(row).toEqual({ uid: sub, role: 'authenticated', jwt: { sub, role: 'authenticated' } });
		const [outside] = await db.query<{ uid: string | null }>(`select auth.uid() as uid`);
		expect(outside!.uid).toBeNull();
	});

	it('enforces the integrity rules with constraints', async () => {
		const [org] = await db.query<{ id: string }>(
			`insert into organisations (name) values ('Acme') returning id`
		);
		const bad = [
			[`insert into workshops (org_id, title, join_code) values ($1, 'x', 'abc123')`, '23514'],
			[`insert into workshops (org_id, title, join_code) values ($1, '', 'ABC234')`, '23514'],
			[
				`insert into workshops (org_id, title, join_code, stage) values ($1, 'x', 'ABC234', 'party')`,
				'23514'
			],
			[`insert into memberships (org_id, user_id, role) values ($1, gen_random_uuid(), 'owner')`, '23503']
		] as const;
		for (const [sql, code] of bad) {
			await expect(db.query(sql, [org!.id]), sql).rejects.toMatchObject({ code });
		}
	});
});
