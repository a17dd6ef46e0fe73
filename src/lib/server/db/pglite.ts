import { PGlite, type Transaction } from '@electric-sql/pglite';
import { SEARCH_PATH, type Database, type Handle } from './types';
import { acquireLock } from './lockfile';

function wrapTransaction(tx: Transaction): Handle {
	const handle: Handle = {
		query: async <T>(sql: string, params?: readonly unknown[]) =>
			(await tx.query<T>(sql, params as unknown[])).rows,
		exec: async (sql) => void (await tx.exec(sql)),
		transaction: (fn) => fn(handle)
	};
	return handle;
}

function wrap(pg: PGlite, close: () => Promise<void>): Database {
	return {
		engine: 'pglite',
		query: async <T>(sql: string, params?: readonly unknown[]) =>
			(await pg.query<T>(sql, params as unknown[])).rows,
		exec: async (sql) => void (await pg.exec(sql)),
		transaction: (fn) => pg.transaction((tx) => fn(wrapTransaction(tx))),
		listen: async (channel, onPayload) => {
			const unlisten = await pg.listen(channel, onPayload);
			return () => unlisten();
		},
		close
	};
}

/** Opens (creating if needed) the file-backed database in `dataDir`, holding its lock file. */
export async function openPglite(dataDir: string): Promise<Database> {
	const release = acquireLock(dataDir);
	try {
		const pg = await PGlite.create(`${dataDir}/pgdata`);
		await pg.exec(`set search_path to ${SEARCH_PATH}`);
		return wrap(pg, async () => {
			try {
				await pg.close();
			} finally {
				release();
			}
		});
	} catch (error) {
		release();
		throw error;
	}
}

/** An in-memory database, optionally restored from a `dumpDataDir` snapshot (tests clone these). */
export async function openPgliteMemory(
	snapshot?: Blob | File
): Promise<Database & { dump(): Promise<Blob> }> {
	const pg = await PGlite.create(snapshot ? { loadDataDir: snapshot } : {});
	await pg.exec(`set search_path to ${SEARCH_PATH}`);
	return Object.assign(
		wrap(pg, () => pg.close()),
		{ dump: () => pg.dumpDataDir('none') }
	);
}
