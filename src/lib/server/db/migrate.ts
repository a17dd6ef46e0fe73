import { createHash } from 'node:crypto';
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

/** A migration's fingerprint; line endings do not count, so a Windows checkout matches. */
export function checksum(sql: string): string {
	return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

export class ChangedMigrationError extends Error {
	constructor(changed: Migration[]) {
		super(
			`Refusing to start: ${changed.map((m) => `${m.version}_${m.name}.sql`).join(', ')} changed after ` +
				'this database applied it, so the database does not hold what the file says. A migration that ' +
				'has been applied is never edited: restore the file and make the change in a new migration.'
		);
		this.name = 'ChangedMigrationError';
	}
}

/**
 * Applies the pending migrations in one transaction, recording them where the Supabase CLI does,
 * so `supabase migration up` and the app agree. An advisory lock keeps concurrent starts in line,
 * the platform objects outside Supabase (compat.sql) included.
 * Each applied file's checksum is kept beside that record; a file edited after it was applied
 * stops the start-up (one applied before checksums existed, or by the CLI, is trusted once).
 */
export async function migrate(
	db: Handle,
	all: Migration[] = migrations
): Promise<{ applied: string[]; total: number }> {
	return db.transaction(async (tx) => {
		await tx.query(`select pg_advisory_xact_lock(hashtext('cx-workshop:migrate'))`);
		if (!(await isSupabase(tx))) await tx.exec(compatSql);
		await tx.query(`create schema if not exists supabase_migrations`);
		await tx.query(
			`create table if not exists supabase_migrations.schema_migrations (
				version text not null primary key, statements text[], name text)`
		);
		await tx.query(
			`create table if not exists supabase_migrations.cx_checksums (version text primary key, sha256 text not null)`
		);
		const done = new Set(
			(await tx.query<{ version: string }>(`select version from supabase_migrations.schema_migrations`)).map(
				(row) => row.version
			)
		);
		const known = new Map(
			(
				await tx.query<{ version: string; sha256: string }>(
					`select version, sha256 from supabase_migrations.cx_checksums`
				)
			).map((row) => [row.version, row.sha256])
		);
		const remember = (migration: Migration) =>
			tx.query(`insert into supabase_migrations.cx_checksums (version, sha256) values ($1, $2)`, [
				migration.version,
				checksum(migration.sql)
			]);
		const changed = all.filter(
			(m) => done.has(m.version) && known.has(m.version) && known.get(m.version) !== checksum(m.sql)
		);
		if (changed.length > 0) throw new ChangedMigrationError(changed);
		const applied: string[] = [];
		for (const migration of all) {
			if (done.has(migration.version)) {
				if (!known.has(migration.version)) await remember(migration);
				continue;
			}
			await tx.exec(migration.sql);
			await tx.query(
				`insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, $3)`,
				[migration.version, migration.name, [migration.sql]]
			);
			await remember(migration);
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
