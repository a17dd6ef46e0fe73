/** The one small interface every domain module talks to. Parameters are always `$1, $2, …`. */
export interface Handle {
	query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
	/** Runs several statements with no parameters (migrations, scripts). */
	exec(sql: string): Promise<void>;
	/** Runs `fn` atomically. Inside a transaction, nested calls join the outer one. */
	transaction<T>(fn: (tx: Handle) => Promise<T>): Promise<T>;
}

export type Engine = 'pglite' | 'postgres';

/**
 * Where every connection looks for the app's tables: `cx`, a schema Supabase's Data API does not
 * expose (see the private_schema migration), then `public`.
 */
export const SEARCH_PATH = 'cx, public';

/** The owner connection: migrations, system jobs, and the source of request-scoped handles. */
export interface Database extends Handle {
	readonly engine: Engine;
	/** PostgreSQL's connection pool: its size, and the operations on it now (running or waiting). */
	readonly pool?: { size: number; busy(): number };
	/** Calls `onPayload` for every NOTIFY on `channel`; resolves to an unsubscribe function. */
	listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
	close(): Promise<void>;
}

/** Who a request is, as Postgres sees it (the same claims Supabase's API would set). */
export type Identity =
	{ role: 'anon' } | { role: 'authenticated'; sub: string; kind: 'member' | 'participant' } | View;

/**
 * One audience's view of a live workshop (the room's phones, the screen, the facilitator's panel),
 * read-only, once the server has checked who opened it: the policies decide what it shows.
 */
export interface View {
	role: 'authenticated';
	kind: 'view';
	view: 'participant' | 'screen' | 'facilitator';
	workshop: string;
}

export const ANONYMOUS: Identity = { role: 'anon' };
