import { migrate } from './migrate';
import { openPglite } from './pglite';
import { openPostgres } from './postgres';
import type { Database } from './types';

export { asIdentity } from './scoped';
export type { Database, Engine, Handle, Identity } from './types';

let current: Database | undefined;

/** Opens the configured engine and brings its schema up to date. Called once, at start-up. */
export async function openDatabase(env: {
	DATABASE_URL?: string;
	DATABASE_POOL_SIZE?: string;
	DATA_DIR?: string;
}): Promise<Database> {
	const db = env.DATABASE_URL
		? openPostgres(env.DATABASE_URL, { max: poolSize(env.DATABASE_POOL_SIZE) })
		: await openPglite(env.DATA_DIR || './data');
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
 * Connections each instance may hold to PostgreSQL (DATABASE_POOL_SIZE, 10 by default). At least
 * two: a request's transaction may wait on a query outside it.
 */
export function poolSize(value: string | undefined): number {
	if (value === undefined || value === '') return 10;
	const size = Number(value);
	if (!Number.isInteger(size) || size < 2 || size > 1000) {
		throw new Error(`DATABASE_POOL_SIZE must be a whole number from 2 to 1000 (it is "${value}").`);
	}
	return size;
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
