import type { Handle } from './types';
import compatSql from './compat.sql?raw';

export interface Migration {
	version: string;
	name: string;
	sql: string;
}

const FILE_NAME = /(?:^|\/)(\d{14})_([a-z0-9_]+)\.sql$/;

/** Turns `{ path: sql }` (from the Supabase CLI layout) into migrations ordered by version. */
export function parseMigrations(files: Record<string, string>): Migration[] {
	return Object.entries(files)
		.map(([path, sql]) => {
			const match = FILE_NAME.exec(path);
			if (!match) throw new Error(`Migration file name must be <14-digit version>_<name>.sql: ${path}`);
			return { version: match[1]!, name: match[2]!, sql };
		})
		.sort((a, b) => a.version.localeCompare(b.version));
}

/** Every migration in supabase/migrations, bundled into the server at build time. */
export const migrations = parseMigrations(
	import.meta.glob<string>('/supabase/migrations/*.sql', { query: '?raw', import: 'default', eager: true })
);

async function isSupabase(db: Handle): Promise<boolean> {
	const [row] = await db.query<{ supabase: boolean }>(
		`select exists (select 1 from pg_roles where rolname = 'supabase_admin') as supabase`
	);
	return row?.supabase ?? false;
}

/**
 * Applies the pending migrations in one transaction, recording them where the Supabase CLI does,
 * so `supabase migration up` and the app agree. An advisory lock keeps concurrent starts in line.
 */
export async function migrate(
	db: Handle,
	all: Migration[] = migrations
): Promise<{ applied: string[]; total: number }> {
	if (!(await isSupabase(db))) await db.exec(compatSql);
	return db.transaction(async (tx) => {
		await tx.query(`select pg_advisory_xact_lock(hashtext('cx-workshop:migrate'))`);
		await tx.query(`create schema if not exists supabase_migrations`);
		await tx.query(
			`create table if not exists supabase_migrations.schema_migrations (
				version text not null primary key, statements text[], name text)`
		);
		const done = new Set(
			(await tx.query<{ version: string }>(`select version from supabase_migrations.schema_migrations`)).map(
				(row) => row.version
			)
		);
		const applied: string[] = [];
		for (const migration of all) {
			if (done.has(migration.version)) continue;
			await tx.exec(migration.sql);
			await tx.query(
				`insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, $3)`,
				[migration.version, migration.name, [migration.sql]]
			);
			applied.push(migration.version);
		}
		return { applied, total: done.size + applied.length };
	});
}

export async function countApplied(db: Handle): Promise<number> {
	const [row] = await db.query<{ n: number }>(
		`select count(*)::int as n from supabase_migrations.schema_migrations`
	);
	return row?.n ?? 0;
}
