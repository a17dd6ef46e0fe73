import { migrate } from './migrate';
import { openPglite } from './pglite';
import { openPostgres } from './postgres';
import type { Database } from './types';

export { asIdentity } from './scoped';
export type { Database, Engine, Handle, Identity } from './types';

let current: Database | undefined;

/** Opens the configured engine and brings its schema up to date. Called once, at start-up. */
export async function openDatabase(env: { DATABASE_URL?: string; DATA_DIR?: string }): Promise<Database> {
	const db = env.DATABASE_URL ? openPostgres(env.DATABASE_URL) : await openPglite(env.DATA_DIR || './data');
	try {
		await migrate(db);
	} catch (error) {
		await db.close();
		throw error;
	}
	current = db;
	return db;
}

/**
 * The owner connection. Only migrations, the sign-in service and system jobs use it directly;
 * everything a request does goes through `asIdentity` so that row-level security applies.
 */
export function system(): Database {
	if (!current) throw new Error('The database is not open yet');
	return current;
}

export async function closeDatabase(): Promise<void> {
	const db = current;
	current = undefined;
	await db?.close();
}
