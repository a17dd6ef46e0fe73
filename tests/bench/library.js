// The library benchmark (`node tests/bench/run.js --library`): a library of generated stories
// (library-stories.sql) in the demo organisation, then searches and filters through the HTTP
// endpoints as the demo leader reads them: GET /library and /library/export.csv, and the Insights
// page over the same library (/insights and a CSV of it). Each query type is timed three ways: in
// the database alone (app.library_search as the leader, searches only), one request at a time
// ("solo"), and in a mix of all types sent a few at a time.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { cookieFrom, request } from './http.js';
import { DEMO_PASSWORD, startServer } from './server.js';
import { summarize } from './stats.js';

export const LEADER_EMAIL = 'leader@example.com';
/** The page shows 20 stories; an export holds up to 1,000 (src/lib/server/library.ts). */
const PAGE_SIZE = 20;
const EXPORT_LIMIT = 1000;
const SQL_FILE = new URL('./library-stories.sql', import.meta.url);
const COUNT_SETTING = /set_config\('bench\.stories', '\d+', false\)/;
const DB_WARM_UP_PASSES = 3;

// Terms chosen for how often library-stories.sql generates them (the report prints the counts).
export const TERMS = {
	common: 'refund', // a service word of Zipf rank 8: in about half the stories
	rare: 'kado', // rank 1,000: ~1.3 %
	handful: 'Bribaban', // a person named in 5 stories
	none: 'xylophone', // nothing generates an x
	phrase: '"customer call"', // both words in ~45 %, side by side in ~1.5 %
	negation: 'refund -broadband'
};

/**
 * @typedef {object} LibraryQuery
 * @property {string} name
 * @property {string} path
 * @property {Record<string, string>} params the query string
 */

/**
 * YYYY-MM-DD, `days` before `now` (stories span the two years before the load).
 * @param {Date} now
 * @param {number} days
 */
function daysBefore(now, days) {
	return new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The measured query types: what people do in the library, one of each.
 * @param {Date} [now]
 * @returns {LibraryQuery[]}
 */
export function libraryQueries(now = new Date()) {
	/** @type {[string, Record<string, string>][]} */
	const pages = [
		['newest', {}],
		['most_reacted', { sort: 'reacted' }],
		['q_common', { q: TERMS.common }],
		['q_rare', { q: TERMS.rare }],
		['q_handful', { q: TERMS.handful }],
		['q_none', { q: TERMS.none }],
		['q_phrase', { q: TERMS.phrase }],
		['q_negation', { q: TERMS.negation }],
		['kind', { kind: 'bad' }],
		['perspective', { perspective: 'employee' }],
		['theme', { theme: 'ownership' }],
		['team', { team: 'Team North' }],
		['date_range', { from: daysBefore(now, 400), to: daysBefore(now, 310) }],
		['featured', { featured: '1' }],
		[
			'q_and_filters',
			{ q: 'delivery', kind: 'bad', perspective: 'customer', team: 'Team Retail', from: daysBefore(now, 365) }
		],
		['page_10', { page: '10' }]
	];
	/** @type {[string, Record<string, string>][]} */
	const insights = [
		['insights', {}],
		['insights_2y', { from: daysBefore(now, 730) }],
		['insights_team', { team: 'Team North' }],
		['insights_quarter', { from: daysBefore(now, 120), to: daysBefore(now, 30) }]
	];
	return [
		...pages.map(([name, params]) => ({ name, path: '/library', params })),
		{ name: 'export_csv', path: '/library/export.csv', params: { q: 'delivery', kind: 'bad' } },
		...insights.map(([name, params]) => ({ name, path: '/insights', params })),
		{ name: 'insights_csv', path: '/insights/export.csv', params: { section: 'obstacles' } }
	];
}

/**
 * Whether a query type is a library search (timed in the database alone as app.library_search).
 * @param {LibraryQuery} query
 */
export const isLibrarySearch = (query) => query.path.startsWith('/library');

/** @param {LibraryQuery} query */
export function hrefOf(query) {
	const search = new URLSearchParams(query.params).toString();
	return search ? `${query.path}?${search}` : query.path;
}

/**
 * What the app passes to app.library_search for this query (as src/lib/server/http/libraryQuery.ts
 * parses the query string).
 * @param {LibraryQuery} query
 */
export function searchArguments(query) {
	const { sort, page, featured, theme, ...rest } = query.params;
	/** @type {Record<string, string | boolean>} */
	const filters = { ...rest };
	if (theme) filters.theme = theme.toLowerCase();
	if (featured === '1') filters.featured = true;
	const isExport = query.path.endsWith('.csv');
	const limit = isExport ? EXPORT_LIMIT : PAGE_SIZE;
	return {
		filters,
		sort: sort === 'reacted' ? 'reacted' : 'newest',
		limit,
		offset: isExport ? 0 : (Math.max(1, Number(page ?? 1)) - 1) * PAGE_SIZE
	};
}

/**
 * The generator's SQL for `count` stories.
 * @param {number} count
 */
export function storiesSql(count) {
	const sql = readFileSync(SQL_FILE, 'utf8');
	if (!COUNT_SETTING.test(sql)) throw new Error(`library-stories.sql no longer sets bench.stories`);
	return sql.replace(COUNT_SETTING, `set_config('bench.stories', '${Math.round(count)}', false)`);
}

// Databases, opened by the bench itself ----------------------------------------------------------

/** @typedef {(text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>} Query */

/**
 * @typedef {object} BenchDatabase
 * @property {Query} query as the superuser
 * @property {<T>(fn: (query: Query) => Promise<T>) => Promise<T>} transaction
 * @property {(sql: string) => Promise<void>} exec several statements, no parameters
 * @property {() => Promise<void>} close
 */

/**
 * @param {string} url
 * @returns {Promise<BenchDatabase>}
 */
export async function openPostgres(url) {
	const { default: postgres } = await import('postgres');
	// The app's tables live in the cx schema (as the app's own connections say).
	const sql = postgres(url, { max: 1, onnotice: () => {}, connection: { search_path: 'cx, public' } });
	/** @param {import('postgres').Sql | import('postgres').TransactionSql} on */
	const queryOn = (on) =>
		/** @type {Query} */ (
			async (text, params) => [...(await on.unsafe(text, /** @type {never} */ (params ?? [])))]
		);
	return {
		query: queryOn(sql),
		transaction: async (fn) => /** @type {never} */ (await sql.begin((tx) => fn(queryOn(tx)))),
		exec: async (text) => void (await sql.unsafe(text).simple()),
		close: () => sql.end({ timeout: 5 })
	};
}

/**
 * The app's PGlite database (DATA_DIR/pgdata); the app must not be running on it.
 * @param {string} dataDir
 * @returns {Promise<BenchDatabase>}
 */
export async function openPglite(dataDir) {
	const { PGlite } = await import('@electric-sql/pglite');
	const pg = await PGlite.create(path.join(dataDir, 'pgdata'));
	await pg.exec('set search_path to cx, public');
	/** @param {{ query: import('@electric-sql/pglite').PGlite['query'] }} on */
	const queryOn = (on) => /** @type {Query} */ (async (text, params) => (await on.query(text, params)).rows);
	return {
		query: queryOn(pg),
		transaction: (fn) => pg.transaction((tx) => fn(queryOn(tx))),
		exec: async (text) => void (await pg.exec(text)),
		close: () => pg.close()
	};
}

/**
 * @param {BenchDatabase} db
 * @param {number} count
 * @returns {Promise<number>} seconds
 */
export async function loadStories(db, count) {
	const started = performance.now();
	await db.exec(storiesSql(count));
	return (performance.now() - started) / 1000;
}

// Timing the search in the database alone ---------------------------------------------------------

/**
 * @typedef {object} DatabaseTiming
 * @property {import('./stats.js').Summary} latency
 * @property {number} matches what app.library_search counted (it stops at 201)
 * @property {number | null} termStories stories matching the search text alone (search types)
 */

// The filters go as text: postgres.js would encode a string for a jsonb parameter a second time.
const SEARCH_SQL = 'select story_id, total from app.library_search($1, $2::text::jsonb, $3, $4, $5)';

/**
 * Runs a query as the demo leader does through the app: role authenticated, the user's claims.
 * @template T
 * @param {BenchDatabase} db
 * @param {string} userId
 * @param {(query: Query) => Promise<T>} fn
 */
function asUser(db, userId, fn) {
	const claims = JSON.stringify({ sub: userId, role: 'authenticated', is_anonymous: false });
	return db.transaction(async (query) => {
		await query('set local role authenticated');
		await query(`select set_config('request.jwt.claims', $1, true)`, [claims]);
		return fn(query);
	});
}

/**
 * Each query type's app.library_search call, `runs` times, one at a time, after a warm-up pass over
 * all of them (a freshly opened PGlite answers its first few hundred queries several times slower).
 * @param {BenchDatabase} db
 * @param {LibraryQuery[]} queries
 * @param {number} runs
 * @returns {Promise<Map<string, DatabaseTiming>>}
 */
export async function timeDatabase(db, queries, runs) {
	const [leader] = await db.query(
		`select u.id as user_id, m.org_id from users u join memberships m on m.user_id = u.id where u.email = $1`,
		[LEADER_EMAIL]
	);
	if (!leader) throw new Error(`no ${LEADER_EMAIL} with a membership: was the demo seeded?`);
	const userId = String(leader.user_id);
	/** @param {LibraryQuery} query */
	const search = async (query) => {
		const { filters, sort, limit, offset } = searchArguments(query);
		const args = [leader.org_id, JSON.stringify(filters), sort, limit, offset];
		return asUser(db, userId, async (sql) => {
			const started = performance.now();
			const rows = await sql(SEARCH_SQL, args);
			return { ms: performance.now() - started, matches: Number(rows[0]?.total ?? 0) };
		});
	};
	for (let pass = 0; pass < DB_WARM_UP_PASSES; pass++) {
		for (const query of queries) await search(query);
	}
	/** @type {Map<string, DatabaseTiming>} */
	const timings = new Map();
	for (const query of queries) {
		/** @type {{ ms: number, matches: number }[]} */
		const results = [];
		for (let run = 0; run < runs; run++) results.push(await search(query));
		const q = searchArguments(query).filters.q;
		timings.set(query.name, {
			latency: summarize(results.map((result) => result.ms)),
			matches: results[0]?.matches ?? 0,
			termStories: q ? await countTerm(db, String(q)) : null
		});
	}
	return timings;
}

/**
 * @param {BenchDatabase} db
 * @param {string} q
 */
async function countTerm(db, q) {
	const [row] = await db.query(
		`select count(*)::int as n from stories
		 where library_at is not null and search @@ websearch_to_tsquery('english', $1)`,
		[q]
	);
	return Number(row?.n ?? 0);
}

// The app on a PGlite data directory that outlives it -------------------------------------------

/**
 * @typedef {object} PgliteApp
 * @property {string} dataDir
 * @property {() => Promise<import('./server.js').BenchServer>} start
 * @property {() => Promise<void>} remove deletes the data directory (stop the server first)
 */

/**
 * One DATA_DIR for two starts of the app (startServer keeps a data directory it is given), with the
 * stories loaded in between.
 * @returns {Promise<PgliteApp>}
 */
export async function pgliteApp() {
	const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cx-bench-library-'));
	return {
		dataDir,
		start: () => startServer({ dataDir }),
		remove: () => rm(dataDir, { recursive: true, force: true })
	};
}

// Over HTTP ---------------------------------------------------------------------------------------

/**
 * @param {string} url
 * @returns {Promise<string>} the leader's session cookie
 */
export async function signInLeader(url) {
	const reply = await request(url, 'POST', '/login', {
		form: { email: LEADER_EMAIL, password: DEMO_PASSWORD },
		headers: { accept: 'text/html' }
	});
	const session = cookieFrom(reply, 'cx_session');
	if (reply.status !== 303 || !session) throw new Error(`sign-in answered ${reply.status} without a session`);
	return session;
}

/**
 * @typedef {object} Sample
 * @property {string} name the query type
 * @property {number} ms request sent → body complete
 * @property {number} status 0 when the request failed outright
 * @property {number} bytes of the body
 * @property {string | null} error
 */

/**
 * @param {string} url
 * @param {string} session
 * @param {LibraryQuery} query
 * @returns {Promise<Sample>}
 */
async function fetchQuery(url, session, query) {
	try {
		const reply = await request(url, 'GET', hrefOf(query), {
			cookie: session,
			headers: { accept: 'text/html' }
		});
		return {
			name: query.name,
			ms: reply.tEnd - reply.tSent,
			status: reply.status,
			bytes: Buffer.byteLength(reply.body),
			error: reply.status === 200 ? null : `status ${reply.status}`
		};
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		return { name: query.name, ms: 0, status: 0, bytes: 0, error: message };
	}
}

/**
 * Which endpoints answer 404 (not built yet, or gone): their query types are left out.
 * @param {string} url
 * @param {string} session
 * @param {LibraryQuery[]} queries
 * @returns {Promise<string[]>} the missing paths
 */
export async function missingPaths(url, session, queries) {
	/** @type {string[]} */
	const missing = [];
	for (const where of new Set(queries.map((query) => query.path))) {
		const reply = await request(url, 'GET', where, { cookie: session, headers: { accept: 'text/html' } });
		if (reply.status === 404) missing.push(where);
	}
	return missing;
}

/**
 * Every query type `rounds` times, one request at a time.
 * @param {string} url
 * @param {string} session
 * @param {LibraryQuery[]} queries
 * @param {number} rounds
 */
export async function sequential(url, session, queries, rounds) {
	/** @type {Sample[]} */
	const samples = [];
	for (let round = 0; round < rounds; round++) {
		for (const query of queries) samples.push(await fetchQuery(url, session, query));
	}
	return samples;
}

/**
 * A reproducible shuffle (mulberry32), so every run sends the same mix in the same order.
 * @template T
 * @param {T[]} items
 * @param {number} seed
 */
function shuffled(items, seed) {
	let state = seed >>> 0;
	const random = () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
	const out = [...items];
	for (let i = out.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[out[i], out[j]] = [/** @type {T} */ (out[j]), /** @type {T} */ (out[i])];
	}
	return out;
}

/**
 * `total` requests, the types in equal shares and shuffled, `concurrency` in flight at a time
 * (closed loop: each worker sends its next request when the last one is answered).
 * @param {string} url
 * @param {string} session
 * @param {LibraryQuery[]} queries
 * @param {{ total: number, concurrency: number }} load
 */
export async function mix(url, session, queries, { total, concurrency }) {
	const queue = shuffled(
		Array.from({ length: total }, (_, i) => /** @type {LibraryQuery} */ (queries[i % queries.length])),
		42
	);
	/** @type {Sample[]} */
	const samples = [];
	const started = performance.now();
	const worker = async () => {
		for (let query = queue.shift(); query; query = queue.shift()) {
			samples.push(await fetchQuery(url, session, query));
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	return { samples, seconds: (performance.now() - started) / 1000 };
}

/**
 * Latency and size of one group of samples; failed requests count as failures, not latencies.
 * @param {Sample[]} samples
 */
export function describeSamples(samples) {
	const ok = samples.filter((sample) => sample.status === 200);
	const sizes = ok.map((sample) => sample.bytes).sort((a, b) => a - b);
	return {
		latency: summarize(ok.map((sample) => sample.ms)),
		bytes: sizes.length ? (sizes[Math.floor((sizes.length - 1) / 2)] ?? 0) : null,
		failures: samples.length - ok.length,
		errors: [...new Set(samples.flatMap((sample) => sample.error ?? []))]
	};
}
