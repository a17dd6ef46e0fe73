import postgres from 'postgres';
import { SEARCH_PATH, type Database, type Handle } from './types';

type Sql = postgres.Sql | postgres.TransactionSql;

function handleFor(sql: Sql): Handle {
	const handle: Handle = {
		// `unsafe` with a parameter array is still a parameterised (prepared) statement.
		query: async <T>(text: string, params: readonly unknown[] = []) =>
			(await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[])) as unknown as T[],
		exec: async (text) => void (await sql.unsafe(text).simple()),
		transaction: (fn) =>
			'savepoint' in sql
				? fn(handle)
				: ((sql as postgres.Sql).begin((tx) => fn(handleFor(tx))) as Promise<never>)
	};
	return handle;
}

/** Connects to any PostgreSQL 15+ (the local server, or a hosted Supabase project's Postgres). */
export function openPostgres(url: string, options: { max?: number } = {}): Database {
	const max = options.max ?? 10;
	const sql = postgres(url, {
		max,
		onnotice: () => {},
		connection: { search_path: SEARCH_PATH },
		// Match PGlite, so domain code is engine-blind: bigint counts arrive as numbers, and a string
		// passed for a json/jsonb parameter is taken as JSON text rather than encoded a second time.
		types: {
			bigint: {
				to: 20,
				from: [20],
				serialize: (value: number) => String(value),
				parse: (value: string) => Number(value)
			},
			json: {
				to: 114,
				from: [114, 3802],
				serialize: (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value)),
				parse: (value: string) => JSON.parse(value)
			}
		}
	});
	// postgres.js refuses a query after end() but reconnects for a new transaction: a request still
	// running at shutdown would reopen the pool and keep the process alive. Refuse both.
	let closed = false;
	const open = handleFor(sql);
	const refuse = () => Promise.reject(new Error('The database is closed (the server is shutting down).'));
	// Operations on the pool now, running or waiting for a connection (for the metrics).
	let busy = 0;
	const counted = <T>(run: () => Promise<T>): Promise<T> => {
		if (closed) return refuse();
		busy++;
		return run().finally(() => busy--);
	};
	return {
		engine: 'postgres',
		pool: { size: max, busy: () => busy },
		query: (text, params) => counted(() => open.query(text, params)),
		exec: (text) => counted(() => open.exec(text)),
		transaction: (fn) => counted(() => open.transaction(fn)),
		listen: async (channel, onPayload) => {
			const { unlisten } = await sql.listen(channel, onPayload);
			return unlisten;
		},
		close: () => {
			closed = true;
			return sql.end({ timeout: 5 });
		}
	};
}
