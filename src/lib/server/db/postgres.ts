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
	const sql = postgres(url, {
		max: options.max ?? 10,
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
	return {
		engine: 'postgres',
		...handleFor(sql),
		listen: async (channel, onPayload) => {
			const { unlisten } = await sql.listen(channel, onPayload);
			return unlisten;
		},
		close: () => sql.end({ timeout: 5 })
	};
}
