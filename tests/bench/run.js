// `npm run bench`: a live workshop under load, end to end over HTTP, as phones, a projector screen
// and a facilitator use it. Starts the built app on a fresh database, has N phones arrive (each
// holding a live stream), moves the stage, has the phones post moods at a steady rate, and reports
// how fast every change reached every screen, whether any event was lost, and what the server
// spent. Then it weighs the participant page's JavaScript in Chromium.
//
//   node tests/bench/run.js [--phones 500] [--engine pglite|postgres] [--rate 50] [--seconds 20]
//                           [--no-build | --build] [--posts json|html] [--reload] [--timeout 300]
//   node tests/bench/run.js --library [--engine pglite|postgres] [--stories 100000] [--requests N]
//                           [--concurrency 1] [--no-build | --build] [--timeout 900]
//   node tests/bench/run.js --votes [--phones 500] [--engine pglite|postgres] [--seconds 10]
//                           [--method single|ranked] [--reload] [--pooled] [--no-build | --build]
//   node tests/bench/run.js --faults [--phones 500] [--engine pglite|postgres] [--seconds 20] [--rate 50]
//
// With --faults phones post stories, then change their ballots, while streams drop (one phone in
// ten at random, then all at once) and the server restarts on SIGTERM mid-vote; then the database
// is read to check every acknowledged story and ballot. See faults.js.
//
// With --library it benchmarks the story library instead: generated stories (--stories 100000),
// then searches and filters through GET /library and the CSV export as the demo leader
// (--requests, --concurrency 1: one leader browsing). See library.js.
// With --votes it runs the rallying-cry vote: N phones cast a ballot each within --seconds (a few
// retry or change it), the facilitator reveals; vote latency, reveal propagation to every phone,
// and no ballot lost or double-counted. See votes.js.
//
// --posts json (default) posts as an enhanced form does (what a phone with JavaScript sends);
// html posts as a plain form. Builds only when build/ is older than src/ (--build forces it).
// PostgreSQL: BENCH_PG_URL or --pg-url names the server (its `postgres` database); the bench drops
// and re-creates the database cx_bench on it, and drops it at the end.
//
// The last lines of output are one JSON object each ({"bench":"live",…} and {"bench":"page-js",…};
// {"bench":"library",…} with --library, {"bench":"votes",…} with --votes, {"bench":"faults",…} with --faults).
// Exit code: 0 all good; 3 finished, but with lost events, failed or lost posts, or phones that
// could not connect (library: requests not answered 200, or an endpoint missing; votes: failed
// votes, ballots lost or double-counted, phones that missed the reveal); 1 crashed or timed out.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os, { availableParallelism } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
	RETRY_MAX_MS,
	ReconnectingStream,
	SETTLE_MS,
	castBallot,
	checkStored,
	convergence,
	postStory
} from './faults.js';
import { agent, resent } from './http.js';
import {
	isLibrarySearch,
	libraryQueries,
	loadStories,
	missingPaths,
	mix,
	openPglite,
	openPostgres,
	pgliteApp,
	sequential,
	signInLeader,
	timeDatabase
} from './library.js';
import { Observations } from './observations.js';
import { CHROMIUM, measurePageJs } from './pageJs.js';
import {
	faultsLine,
	libraryLine,
	liveLine,
	printFaults,
	printLibrary,
	printLive,
	printPageJs,
	printVotes,
	votesLine
} from './report.js';
import {
	build,
	buildIsStale,
	databaseCpu,
	dropPostgresDatabase,
	freePort,
	freshPostgresDatabase,
	openFilesLimit,
	processStats,
	startServer
} from './server.js';
import { LiveStream, activity } from './sse.js';
import { describe, round, summarize } from './stats.js';
import {
	CRIES,
	VoteWatch,
	announcedAnswers,
	castAll,
	compareTally,
	expectedTally,
	hubLag,
	planBallots
} from './votes.js';
import {
	CODE,
	JOIN_CONCURRENCY,
	PHONE_COOKIE,
	SNAPSHOT_TIMEOUT_MS,
	arriveAll,
	currentVersion,
	facilitate,
	join,
	messageOf,
	moveStage,
	postMoods,
	proposeCry,
	signIn,
	sleep
} from './workshop.js';

const PG_DATABASE = 'cx_bench';
const STAGE_TIMEOUT_MS = 15_000;
/** The stage moves timed, ending on Explore, where the phones then post moods. */
const STAGE_MOVES = ['explore', 'dream', 'explore', 'dream', 'explore', 'dream', 'explore'];
const QUIET_MS = 3_000;
const DRAIN_MAX_MS = 60_000;
/** Library: requests per query type when --requests is not given, and app.library_search runs per type. */
const LIBRARY_REQUESTS_PER_TYPE = 30;
const LIBRARY_DB_RUNS = 10;
/** Votes: how long every phone may take to see the vote open or revealed, and the count to catch up. */
const VOTE_SEEN_TIMEOUT_MS = 30_000;
const COUNT_TIMEOUT_MS = 60_000;

/**
 * @typedef {object} Options
 * @property {number} phones
 * @property {'pglite' | 'postgres'} engine
 * @property {number} rate mood posts per second, across all phones
 * @property {number} seconds
 * @property {'auto' | 'always' | 'never'} build
 * @property {'json' | 'html'} posts
 * @property {string} pgUrl
 * @property {number} timeoutS
 * @property {boolean} library the story library benchmark instead of the live workshop
 * @property {number} stories library: how many to generate
 * @property {number | null} requests library: in the measured mix (null: 30 per query type)
 * @property {number} concurrency library: requests in flight at a time
 * @property {boolean} votes the rallying-cry vote benchmark instead of the live workshop
 * @property {'single' | 'ranked'} method votes: how the phones vote
 * @property {boolean} reload votes: each phone reloads its page data after a ballot (the enhanced form does not;
 *   a full page reload, or an older client, does)
 * @property {boolean} pooled votes: ballots share the bench's keep-alive pool instead of each phone
 *   opening its own connection
 * @property {boolean} faults phones post stories and change ballots while streams drop and the server
 *   restarts; then the database is checked
 */

const started = performance.now();
let phase = 'start';
/** @type {(() => Promise<void> | void)[]} run in reverse order, whatever happens */
const cleanups = [];
/** @type {import('./server.js').BenchServer | null} its output is shown when the bench fails */
let activeServer = null;

/** @param {string} message */
function log(message) {
	console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${message}`);
}

/**
 * Polls `done` every 50 ms; false if it is still not true after `timeoutMs`.
 * @param {() => boolean} done
 * @param {number} timeoutMs
 */
async function waitFor(done, timeoutMs) {
	const deadline = performance.now() + timeoutMs;
	while (!done()) {
		if (performance.now() > deadline) return false;
		await sleep(50);
	}
	return true;
}

/** @returns {Options} */
function readOptions() {
	const { values } = parseArgs({
		options: {
			phones: { type: 'string', default: '500' },
			engine: { type: 'string', default: 'pglite' },
			rate: { type: 'string', default: '50' },
			seconds: { type: 'string' },
			build: { type: 'boolean', default: false },
			'no-build': { type: 'boolean', default: false },
			posts: { type: 'string', default: 'json' },
			'pg-url': {
				type: 'string',
				default: process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres'
			},
			timeout: { type: 'string' },
			library: { type: 'boolean', default: false },
			stories: { type: 'string', default: '100000' },
			requests: { type: 'string' },
			concurrency: { type: 'string', default: '1' },
			votes: { type: 'boolean', default: false },
			method: { type: 'string', default: 'single' },
			reload: { type: 'boolean', default: false },
			pooled: { type: 'boolean', default: false },
			faults: { type: 'boolean', default: false }
		}
	});
	const positive = (/** @type {string} */ name, /** @type {string} */ raw) => {
		const n = Number(raw);
		if (!(n > 0)) throw new Error(`--${name} must be a positive number, not "${raw}"`);
		return n;
	};
	if (values.engine !== 'pglite' && values.engine !== 'postgres') {
		throw new Error(`--engine must be pglite or postgres, not "${values.engine}"`);
	}
	if (values.method !== 'single' && values.method !== 'ranked') {
		throw new Error(`--method must be single or ranked, not "${values.method}"`);
	}
	if (values.posts !== 'json' && values.posts !== 'html') {
		throw new Error(`--posts must be json (an enhanced form, like a phone with JS) or html`);
	}
	return {
		phones: Math.round(positive('phones', values.phones)),
		engine: values.engine,
		rate: positive('rate', values.rate),
		seconds: positive('seconds', values.seconds ?? (values.votes ? '10' : '20')),
		build: values['no-build'] ? 'never' : values.build ? 'always' : 'auto',
		posts: values.posts,
		pgUrl: values['pg-url'],
		// Loading 100,000 stories into PGlite alone takes about half a minute.
		timeoutS: positive('timeout', values.timeout ?? (values.library ? '900' : '300')),
		library: values.library,
		stories: Math.round(positive('stories', values.stories)),
		requests: values.requests === undefined ? null : Math.round(positive('requests', values.requests)),
		concurrency: Math.round(positive('concurrency', values.concurrency)),
		votes: values.votes,
		method: values.method,
		reload: values.reload,
		pooled: values.pooled,
		faults: values.faults
	};
}

/**
 * Each stream is a socket on both sides. If this process may not open enough files, re-run it
 * under a raised soft limit (up to the hard limit) rather than fail with EMFILE half-way.
 * @param {number} phones
 */
function ensureOpenFiles(phones) {
	const needed = phones + 256;
	const { soft, hard } = openFilesLimit();
	if (soft >= needed) return;
	if (process.env.CX_BENCH_RAISED_LIMIT || hard <= soft) {
		log(`warning: open files limit is ${soft} (hard ${hard}), ~${needed} needed: expect EMFILE`);
		return;
	}
	const raised = Math.min(hard, 65_536);
	log(`open files limit ${soft} < ${needed}: re-running with ulimit -n ${raised}`);
	const result = spawnSync(
		'/bin/sh',
		['-c', `ulimit -n ${raised} && exec "$0" "$@"`, process.execPath, ...process.argv.slice(1)],
		{ stdio: 'inherit', env: { ...process.env, CX_BENCH_RAISED_LIMIT: '1' } }
	);
	process.exit(result.status ?? 1);
}

/** @param {Options} options */
function buildIfNeeded(options) {
	phase = 'build';
	if (options.build === 'always' || (options.build === 'auto' && buildIsStale())) {
		log('building (npx vite build)…');
		log(`built in ${build().toFixed(1)} s`);
	} else if (options.build === 'auto') {
		log('build/ is newer than src/: not rebuilding (--build forces it)');
	}
}

/** @param {Options} options */
async function startApp(options) {
	phase = 'server start';
	/** @type {string | undefined} */
	let databaseUrl;
	if (options.engine === 'postgres') {
		databaseUrl = await freshPostgresDatabase(options.pgUrl, PG_DATABASE);
		cleanups.push(() => dropPostgresDatabase(options.pgUrl, PG_DATABASE));
	}
	const server = await startServer({ databaseUrl });
	activeServer = server;
	cleanups.push(() => server.stop());
	log(`server pid ${server.pid} on ${server.url} (${options.engine})`);
	return { server, databaseUrl };
}

/**
 * The projector screen and the facilitator's control panel, each with its stream.
 * @param {string} url
 * @param {string} session
 * @param {Observations} seen
 */
async function openScreens(url, session, seen) {
	phase = 'screens';
	const screen = new LiveStream('screen', seen.onScreenDelta);
	const facilitator = new LiveStream('facilitator');
	seen.streams.push(screen, facilitator);
	await Promise.all([
		screen.open(url, `/w/${CODE}/events?as=screen`, session, SNAPSHOT_TIMEOUT_MS),
		facilitator.open(url, `/w/${CODE}/events?as=facilitator`, session, SNAPSHOT_TIMEOUT_MS)
	]);
	return screen;
}

/**
 * @param {string} url
 * @param {number} pid the server's
 * @param {Options} options
 * @param {Observations} seen
 * @param {import('./workshop.js').OnDelta} [onDelta] what the phones' streams call (seen's by default)
 */
async function arrivals(url, pid, options, seen, onDelta = seen.onPhoneDelta) {
	phase = 'phones arriving';
	log(`${options.phones} phones arrive, ${JOIN_CONCURRENCY} at a time (join, page, stream)…`);
	const cpuBefore = processStats(pid).cpuSeconds;
	const start = performance.now();
	const result = await arriveAll(url, options.phones, onDelta, (live) =>
		log(`  ${live}/${options.phones} phones live…`)
	);
	const joinS = (performance.now() - start) / 1000;
	const after = processStats(pid);
	seen.streams.push(...result.phones.map((phone) => phone.stream));
	const arrival = {
		...result,
		joinS,
		cpuPct: (100 * (after.cpuSeconds - cpuBefore)) / joinS,
		openFiles: after.openFiles,
		latency: summarize(result.phones.map((phone) => phone.joinMs))
	};
	log(
		`${result.phones.length}/${options.phones} phones live in ${joinS.toFixed(1)} s ` +
			`(server ${Math.round(arrival.cpuPct)} % CPU, ${after.openFiles} open files)`
	);
	const first = result.failures[0];
	if (first) log(`  ${result.failures.length} failed; first: phone ${first.index}: ${first.reason}`);
	if (result.stoppedBecause) log(`  ${result.stoppedBecause}`);
	return arrival;
}

/**
 * The facilitator moves the stage back and forth, ending on Explore; how long until every phone and
 * the screen show each move (one move is one sample per stream: several make the tail meaningful).
 * @param {string} url
 * @param {string} session
 * @param {Options} options
 * @param {Observations} seen
 * @param {LiveStream[]} watchers
 */
async function stageChange(url, session, options, seen, watchers) {
	phase = 'stage change';
	const latencies = [];
	const rtts = [];
	for (const stage of STAGE_MOVES) {
		seen.awaitStage(stage);
		const { t0, rttMs } = await moveStage(url, session, stage, options.posts);
		await waitFor(() => watchers.every((stream) => seen.stageSeen.has(stream)), STAGE_TIMEOUT_MS);
		latencies.push(...seen.stageLatencies(watchers, t0));
		rtts.push(rttMs);
	}
	const latency = summarize(latencies);
	const rttMs = summarize(rtts).p50 ?? 0; // never empty: one per move
	log(`${STAGE_MOVES.length} stage moves (POST p50 ${round(rttMs)} ms): ${describe(latency)}`);
	return { latency, rttMs, missed: watchers.length * STAGE_MOVES.length - latency.n };
}

/**
 * The phones post moods; CPU of the server (and PostgreSQL's backends) and of the bench meanwhile.
 * @param {string} url
 * @param {number} pid
 * @param {Options} options
 * @param {import('./workshop.js').Phone[]} phones
 */
async function posting(url, pid, options, phones) {
	phase = 'posting moods';
	log(
		`posting ${options.rate}/s for ${options.seconds} s (${options.posts} form posts` +
			`${options.reload ? ' + page data reload' : ''})…`
	);
	const dbCpu = () =>
		options.engine === 'postgres' ? databaseCpu(options.pgUrl, PG_DATABASE) : Promise.resolve(null);
	const loopDelay = monitorEventLoopDelay({ resolution: 10 });
	loopDelay.enable();
	const dbBefore = await dbCpu();
	const cpuBefore = processStats(pid).cpuSeconds;
	const benchBefore = process.cpuUsage();
	const start = performance.now();

	const { posts, sendingS } = await postMoods(url, phones, options);

	const answeredS = (performance.now() - start) / 1000;
	const cpuPct = (100 * (processStats(pid).cpuSeconds - cpuBefore)) / answeredS;
	const bench = process.cpuUsage(benchBefore);
	const dbAfter = await dbCpu();
	loopDelay.disable();
	// Backends that appeared meanwhile count from 0.
	const dbSeconds =
		dbBefore && dbAfter && [...dbAfter].reduce((sum, [pid, s]) => sum + s - (dbBefore.get(pid) ?? 0), 0);
	log(`${posts.length} posts sent in ${sendingS.toFixed(1)} s, all answered after ${answeredS.toFixed(1)} s`);
	return {
		posts,
		rtt: summarize(posts.filter((post) => post.ok).map((post) => post.rttMs)),
		sendingS,
		answeredS,
		cpuPct,
		dbCpuPct: typeof dbSeconds === 'number' ? (100 * dbSeconds) / answeredS : null,
		benchCpuPct: (100 * (bench.user + bench.system)) / 1e6 / answeredS,
		loopP99Ms: loopDelay.percentile(99) / 1e6
	};
}

/** Waits until no snapshot or delta has arrived for QUIET_MS (the server has caught up). */
async function drain() {
	phase = 'draining';
	const quiet = await waitFor(() => performance.now() - activity.lastEventAt >= QUIET_MS, DRAIN_MAX_MS);
	if (!quiet) log(`  events still arriving after ${DRAIN_MAX_MS / 1000} s`);
}

/**
 * The participant page's JavaScript, loaded by a freshly joined phone in Chromium: the workshop's
 * main page (where the run left it, in Explore), then the pages of Dream, Grow and Excite, and the
 * page where each person writes their own vision.
 * @param {string} url
 * @param {string} session the facilitator's, to move the room to Dream
 * @returns {Promise<{ route: string, js: Awaited<ReturnType<typeof measurePageJs>>, skipped: string }[]>}
 */
async function pageJs(url, session) {
	phase = 'page JavaScript';
	const pages = [];
	for (const { stage, route } of [
		{ stage: 'explore', route: `/w/${CODE}` },
		{ stage: 'dream', route: `/w/${CODE}/dream` },
		{ stage: 'grow', route: `/w/${CODE}/grow` },
		{ stage: 'excite', route: `/w/${CODE}/excite` },
		// A person's own vision: its own page, open from Excite (the default stage).
		{ stage: null, route: `/w/${CODE}/mine` }
	]) {
		try {
			if (stage && stage !== 'explore') await moveStage(url, session, stage, 'json');
			const { cookie } = await join(url, `Page weigher (${stage ?? route})`);
			const value = cookie.slice(PHONE_COOKIE.length + 1);
			const js = await measurePageJs(url, route, { name: PHONE_COOKIE, value });
			pages.push({ route, js, skipped: js ? '' : `no Chromium at ${CHROMIUM}` });
		} catch (error) {
			pages.push({ route, js: null, skipped: messageOf(error) });
		}
	}
	return pages;
}

/**
 * Everything after the server is up.
 * @param {import('./server.js').BenchServer} server
 * @param {Options} options
 */
async function measure(server, options) {
	const { url, pid } = server;
	const seen = new Observations();
	cleanups.push(() => seen.closeAll());

	phase = 'sign-in';
	const session = await signIn(url);
	const screen = await openScreens(url, session, seen);
	const arrival = await arrivals(url, pid, options, seen);
	const { phones } = arrival;
	if (phones.length === 0) throw new Error('no phone could join and connect');
	const stage = await stageChange(url, session, options, seen, [screen, ...phones.map((p) => p.stream)]);
	const moods = await posting(url, pid, options, phones);
	await drain();
	const peakRssMb = processStats(pid).peakRssMb;

	phase = 'counting';
	const seenVersion = Math.max(...seen.streams.map((stream) => stream.lastVersion));
	const finalVersion = Math.max(await currentVersion(url, session), seenVersion);
	/** @type {import('./report.js').LiveFacts} */
	const facts = {
		options,
		connected: phones.length,
		arrival,
		stage,
		posting: moods,
		latencies: seen.postLatencies(moods.posts, phones),
		events: seen.lostEvents(finalVersion),
		finalVersion,
		streams: seen.streams.length,
		peakRssMb,
		stderr: server.errorLines(),
		resent: resent.count
	};
	const pages = await pageJs(url, session);

	// The human-readable part first; the JSON lines close the output.
	const live = liveLine(facts);
	printLive(facts);
	const weighed = pages.map(({ route, js, skipped }) => printPageJs(js, route, skipped));
	console.log('');
	console.log(JSON.stringify(live));
	for (const page of weighed) if (page) console.log(JSON.stringify(page));

	const clean =
		live.lost === 0 &&
		live.failed_posts === 0 &&
		live.lost_posts === 0 &&
		live.connected === options.phones &&
		live.streams_ended === 0;
	return clean ? 0 : 3;
}

/** @param {Options} options */
async function bench(options) {
	ensureOpenFiles(options.phones);
	buildIfNeeded(options);
	return measure((await startApp(options)).server, options);
}

// The story library (--library) ------------------------------------------------------------------

/**
 * @typedef {object} LibraryData
 * @property {import('./server.js').BenchServer} server running on the loaded database
 * @property {number} loadS
 * @property {Map<string, import('./library.js').DatabaseTiming>} database
 */

/**
 * Loads the stories and times app.library_search on its own, in a database the bench opened.
 * @param {import('./library.js').BenchDatabase} db
 * @param {Options} options
 * @param {import('./library.js').LibraryQuery[]} queries
 */
async function loadAndTime(db, options, queries) {
	phase = 'loading stories';
	log(`generating ${options.stories.toLocaleString('en')} stories (library-stories.sql)…`);
	const loadS = await loadStories(db, options.stories);
	log(`loaded in ${loadS.toFixed(1)} s`);
	phase = 'timing app.library_search';
	log(`app.library_search as the leader, ${LIBRARY_DB_RUNS} times per query type…`);
	return { loadS, database: await timeDatabase(db, queries.filter(isLibrarySearch), LIBRARY_DB_RUNS) };
}

/**
 * PostgreSQL: the app migrates and seeds, then the bench loads the stories beside it.
 * @param {Options} options
 * @param {import('./library.js').LibraryQuery[]} queries
 * @returns {Promise<LibraryData>}
 */
async function libraryOnPostgres(options, queries) {
	const { server, databaseUrl } = await startApp(options);
	const db = await openPostgres(/** @type {string} */ (databaseUrl));
	try {
		return { server, ...(await loadAndTime(db, options, queries)) };
	} finally {
		await db.close();
	}
}

/**
 * PGlite: one process per data directory, so the app migrates and seeds, stops, the bench loads
 * the stories into the same directory, and the app starts again on it.
 * @param {Options} options
 * @param {import('./library.js').LibraryQuery[]} queries
 * @returns {Promise<LibraryData>}
 */
async function libraryOnPglite(options, queries) {
	phase = 'server start';
	const app = await pgliteApp();
	cleanups.push(() => app.remove());
	log('starting the app on PGlite to migrate and seed the demo…');
	const seeding = await app.start();
	activeServer = seeding;
	cleanups.push(() => seeding.stop());
	log(`migrated and seeded PGlite in ${app.dataDir}; stopping the server to load stories`);
	await seeding.stop();
	const db = await openPglite(app.dataDir);
	/** @type {Omit<LibraryData, 'server'>} */
	let loaded;
	try {
		loaded = await loadAndTime(db, options, queries);
	} finally {
		await db.close();
	}
	phase = 'server start';
	const server = await app.start();
	activeServer = server;
	cleanups.push(() => server.stop());
	log(`server pid ${server.pid} on ${server.url} (pglite)`);
	return { server, ...loaded };
}

/**
 * Over HTTP as the leader: warm-up, each type alone, then the mix.
 * @param {LibraryData} data
 * @param {Options} options
 * @param {import('./library.js').LibraryQuery[]} queries
 */
async function measureLibrary(data, options, queries) {
	const { url, pid } = data.server;
	phase = 'sign-in';
	const session = await signInLeader(url);
	const missing = await missingPaths(url, session, queries);
	if (missing.length) log(`missing (404): ${missing.join(', ')}: their query types are not measured`);
	const measured = queries.filter((query) => !missing.includes(query.path));

	phase = 'warm-up';
	await sequential(url, session, measured, 2);
	phase = 'solo requests';
	const solo = await sequential(url, session, measured, 3);

	phase = 'request mix';
	const total = options.requests ?? LIBRARY_REQUESTS_PER_TYPE * queries.length;
	log(`${total} requests, ${options.concurrency} at a time, ${measured.length} query types…`);
	const dbCpu = () =>
		options.engine === 'postgres' ? databaseCpu(options.pgUrl, PG_DATABASE) : Promise.resolve(null);
	const dbBefore = await dbCpu();
	const cpuBefore = processStats(pid).cpuSeconds;
	const { samples, seconds } = measured.length
		? await mix(url, session, measured, { total, concurrency: options.concurrency })
		: { samples: [], seconds: 0 };
	const cpuSeconds = processStats(pid).cpuSeconds - cpuBefore;
	const dbAfter = await dbCpu();
	const dbSeconds =
		dbBefore && dbAfter && [...dbAfter].reduce((sum, [id, s]) => sum + s - (dbBefore.get(id) ?? 0), 0);
	log(`${samples.length} requests answered in ${seconds.toFixed(1)} s`);

	/** @type {import('./report.js').LibraryFacts} */
	const facts = {
		options,
		queries,
		missing,
		loadS: data.loadS,
		database: data.database,
		solo,
		samples,
		mixS: seconds,
		cpuPct: seconds ? (100 * cpuSeconds) / seconds : 0,
		dbCpuPct: typeof dbSeconds === 'number' && seconds ? (100 * dbSeconds) / seconds : null,
		peakRssMb: processStats(pid).peakRssMb,
		stderr: data.server.errorLines()
	};
	const line = libraryLine(facts);
	printLibrary(facts);
	console.log('');
	console.log(JSON.stringify(line));
	return line.failures === 0 && missing.length === 0 ? 0 : 3;
}

/** @param {Options} options */
async function libraryBench(options) {
	buildIfNeeded(options);
	const queries = libraryQueries();
	const data =
		options.engine === 'postgres'
			? await libraryOnPostgres(options, queries)
			: await libraryOnPglite(options, queries);
	return measureLibrary(data, options, queries);
}

// The rallying-cry vote (--votes) ------------------------------------------------------------------

/** CPU seconds the whole machine has been busy (every core, every process), from /proc/stat. */
function machineBusySeconds() {
	const fields = (readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '').trim().split(/\s+/).slice(1);
	// user nice system idle iowait irq softirq steal …: everything but idle and iowait is busy.
	const ticks = fields.slice(0, 8).map(Number);
	const busy = ticks.reduce((sum, t, i) => (i === 3 || i === 4 ? sum : sum + t), 0);
	return busy / 100; // USER_HZ, 100 on Linux
}

/**
 * Starts counting the server's CPU (and PostgreSQL's backends', the bench's own, and what every
 * other process on the machine took meanwhile); the returned function stops and gives each as %
 * of one core over the time between.
 * @param {number} pid
 * @param {Options} options
 */
async function cpuMeter(pid, options) {
	const dbCpu = () =>
		options.engine === 'postgres' ? databaseCpu(options.pgUrl, PG_DATABASE) : Promise.resolve(null);
	const loopDelay = monitorEventLoopDelay({ resolution: 10 });
	loopDelay.enable();
	const dbBefore = await dbCpu();
	const cpuBefore = processStats(pid).cpuSeconds;
	const benchBefore = process.cpuUsage();
	const machineBefore = machineBusySeconds();
	const start = performance.now();
	return async () => {
		const seconds = (performance.now() - start) / 1000;
		const machine = machineBusySeconds() - machineBefore;
		const server = processStats(pid).cpuSeconds - cpuBefore;
		const bench = process.cpuUsage(benchBefore);
		const benchSeconds = (bench.user + bench.system) / 1e6;
		loopDelay.disable();
		const dbAfter = await dbCpu();
		// Backends that appeared meanwhile count from 0.
		const dbSeconds =
			dbBefore && dbAfter && [...dbAfter].reduce((sum, [id, s]) => sum + s - (dbBefore.get(id) ?? 0), 0);
		const others = machine - server - benchSeconds - (typeof dbSeconds === 'number' ? dbSeconds : 0);
		return {
			seconds,
			cpuPct: (100 * server) / seconds,
			dbCpuPct: typeof dbSeconds === 'number' ? (100 * dbSeconds) / seconds : null,
			benchCpuPct: (100 * benchSeconds) / seconds,
			othersCpuPct: Math.max(0, (100 * others) / seconds),
			cores: availableParallelism(),
			loopP99Ms: loopDelay.percentile(99) / 1e6
		};
	};
}

/**
 * Excite: three phones propose the cries, the facilitator opens the vote; how long until every
 * phone has it.
 * @param {string} url
 * @param {string} session
 * @param {Options} options
 * @param {VoteWatch} watch
 * @param {import('./workshop.js').Phone[]} phones
 */
async function openTheVote(url, session, options, watch, phones) {
	phase = 'proposing cries';
	await moveStage(url, session, 'excite', 'json');
	for (const [i, cry] of CRIES.entries()) {
		const phone = phones[i];
		if (phone) await proposeCry(url, phone, cry);
	}
	if (!(await waitFor(() => watch.cries.length >= CRIES.length, VOTE_SEEN_TIMEOUT_MS))) {
		throw new Error(`the facilitator saw ${watch.cries.length} cries, not ${CRIES.length}`);
	}
	const cries = watch.cries.filter((cry) => !cry.hidden).map((cry) => cry.id);

	phase = 'opening the vote';
	const { t0, rttMs } = await facilitate(url, session, 'openVote', { method: options.method });
	if (!(await waitFor(() => watch.openVoteId !== null, VOTE_SEEN_TIMEOUT_MS))) {
		throw new Error('the facilitator never saw the vote open');
	}
	const voteId = /** @type {string} */ (watch.openVoteId);
	// Every ballot from here on is one more version.
	const openVersion = watch.facilitator?.lastVersion ?? -1;
	const streams = phones.map((phone) => phone.stream);
	await waitFor(
		() => streams.every((stream) => watch.openedAt(stream, voteId) !== undefined),
		VOTE_SEEN_TIMEOUT_MS
	);
	const opened = VoteWatch.latency(streams, t0, (stream) => watch.openedAt(stream, voteId));
	log(`vote ${options.method} open (POST ${round(rttMs)} ms) → phones: ${describe(opened.latency)}`);
	if (opened.missing) log(`  ${opened.missing} phones never saw it open`);
	return { voteId, cries, opened, rttMs, openVersion };
}

/**
 * Everything after the server is up.
 * @param {import('./server.js').BenchServer} server
 * @param {Options} options
 */
async function measureVotes(server, options) {
	const { url, pid } = server;
	const seen = new Observations();
	cleanups.push(() => seen.closeAll());

	phase = 'sign-in';
	const session = await signIn(url);
	phase = 'screens';
	const watch = new VoteWatch();
	const facilitator = new LiveStream('facilitator', watch.onDelta);
	watch.facilitator = facilitator;
	const screen = new LiveStream('screen', watch.onDelta);
	seen.streams.push(screen, facilitator);
	await Promise.all([
		screen.open(url, `/w/${CODE}/events?as=screen`, session, SNAPSHOT_TIMEOUT_MS),
		facilitator.open(url, `/w/${CODE}/events?as=facilitator`, session, SNAPSHOT_TIMEOUT_MS)
	]);
	const arrival = await arrivals(url, pid, options, seen, watch.onDelta);
	const { phones } = arrival;
	if (phones.length < CRIES.length) throw new Error(`only ${phones.length} phones could join and connect`);
	const streams = phones.map((phone) => phone.stream);
	const open = await openTheVote(url, session, options, watch, phones);

	phase = 'voting';
	const plans = planBallots(phones, open.cries, options.method);
	log(
		`${plans.length} phones vote over ${options.seconds} s (${options.method}; ` +
			`${plans.filter((p) => p.retried).length} retry, ${plans.filter((p) => p.changedFrom).length} change` +
			`${options.reload ? '; each reloads its page data' : ''}; ` +
			`${options.pooled ? 'on a shared keep-alive pool' : 'each phone on its own connection'})…`
	);
	const meter = await cpuMeter(pid, options);
	const { casts, sendingS, answeredS } = await castAll(url, plans, open.voteId, options.method, options);
	const posts = casts.flatMap((cast) => cast.posts);
	const counted = casts.flatMap((cast) => (cast.counted ? [cast.counted] : []));
	log(
		`${posts.length} ballots sent in ${sendingS.toFixed(1)} s, all answered after ${answeredS.toFixed(1)} s`
	);

	// The count may show every ballot while announcements are still queued (a delta shows the count
	// as it is when built): wait for the version of the last ballot too, so the reveal is timed alone.
	phase = 'counting ballots';
	const announced = announcedAnswers(casts);
	const lastBallotVersion = open.openVersion + announced.length;
	const caughtUp = await waitFor(
		() => watch.ballots >= counted.length && facilitator.lastVersion >= lastBallotVersion,
		COUNT_TIMEOUT_MS
	);
	const cpu = await meter();
	const lastAnswer = announced.at(-1) ?? NaN;
	const lastDelta = facilitator.timeOf(lastBallotVersion) ?? NaN;
	log(
		caughtUp
			? `the facilitator had every ballot ${round(lastDelta - lastAnswer)} ms after the last answer`
			: `the facilitator's count stopped at ${watch.ballots} of ${counted.length} (version ` +
					`${facilitator.lastVersion} of ${lastBallotVersion})`
	);

	phase = 'reveal';
	const reveal = await facilitate(url, session, 'reveal', { id: open.voteId });
	const revealedAt = (/** @type {import('./sse.js').LiveStream} */ stream) =>
		watch.revealedOn(stream, open.voteId)?.t;
	await waitFor(() => streams.every((stream) => revealedAt(stream) !== undefined), VOTE_SEEN_TIMEOUT_MS);
	const revealed = VoteWatch.latency(streams, reveal.t0, revealedAt);
	log(`revealed (POST ${round(reveal.rttMs)} ms) → phones: ${describe(revealed.latency)}`);
	await drain();

	phase = 'checking the count';
	const expected = expectedTally(options.method, open.cries, counted, open.voteId);
	// Phones that missed the reveal are counted apart (phones_missing_reveal), not as lost ballots.
	const onPhones = streams.flatMap((stream) => {
		const shown = watch.revealedOn(stream, open.voteId);
		return shown ? [compareTally(expected, shown.result)] : [];
	});
	const panels = [screen, facilitator].map((stream) => ({
		label: stream.label,
		ms: (revealedAt(stream) ?? NaN) - reveal.t0,
		...compareTally(expected, watch.revealedOn(stream, open.voteId)?.result ?? null)
	}));
	const seenVersion = Math.max(...seen.streams.map((stream) => stream.lastVersion));
	const finalVersion = Math.max(await currentVersion(url, session), seenVersion);

	/** @type {import('./report.js').VotesFacts} */
	const facts = {
		options,
		connected: phones.length,
		arrival,
		open,
		casts,
		sendingS,
		answeredS,
		cpu,
		countCaughtUp: caughtUp,
		countedBallots: watch.ballots,
		hub: hubLag(casts, watch.facilitatorDeltas, open.openVersion),
		drainMs: lastDelta - lastAnswer,
		reveal: { rttMs: reveal.rttMs, ...revealed },
		expected,
		lost: Math.max(0, ...onPhones.map((c) => c.lost)),
		doubleCounted: Math.max(0, ...onPhones.map((c) => c.doubleCounted)),
		phonesWrongResult: onPhones.filter((c) => !c.exact).length,
		panels,
		events: seen.lostEvents(finalVersion),
		finalVersion,
		peakRssMb: processStats(pid).peakRssMb,
		stderr: server.errorLines(),
		resent: resent.count
	};
	const line = votesLine(facts);
	printVotes(facts);
	console.log('');
	console.log(JSON.stringify(line));
	const clean =
		line.failed_votes === 0 &&
		line.lost === 0 &&
		line.double_counted === 0 &&
		line.phones_missing_reveal === 0 &&
		line.phones_wrong_result === 0 &&
		line.connected === options.phones &&
		line.lost_events === 0;
	return clean ? 0 : 3;
}

/** @param {Options} options */
async function votesBench(options) {
	ensureOpenFiles(options.phones);
	buildIfNeeded(options);
	return measureVotes((await startApp(options)).server, options);
}

// Faults (--faults) ---------------------------------------------------------------------------------

/**
 * Where the app runs, kept across a restart: the same port, and the same database (PostgreSQL) or
 * data directory (PGlite).
 * @param {Options} options
 */
async function faultsPlace(options) {
	/** @type {{ port: number, databaseUrl?: string, dataDir?: string }} */
	const place = { port: await freePort() };
	if (options.engine === 'postgres') {
		place.databaseUrl = await freshPostgresDatabase(options.pgUrl, PG_DATABASE);
		cleanups.push(() => dropPostgresDatabase(options.pgUrl, PG_DATABASE));
	} else {
		const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cx-bench-faults-'));
		place.dataDir = dataDir;
		cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
	}
	return place;
}

/**
 * Open loop, as the live bench's moods: action k is due at start + k/rate s, from phone k mod N; a
 * phone does one thing at a time (its next waits for its last to be acknowledged or given up).
 * @template T
 * @param {import('./workshop.js').Phone[]} phones
 * @param {number} total
 * @param {number} rate
 * @param {(phone: import('./workshop.js').Phone, k: number) => Promise<T>} act
 * @returns {Promise<T[]>}
 */
async function openLoop(phones, total, rate, act) {
	/** @type {Map<number, Promise<unknown>>} */
	const busy = new Map();
	/** @type {Promise<T>[]} */
	const done = [];
	const start = performance.now();
	for (let k = 0; k < total; k++) {
		const wait = start + (k * 1000) / rate - performance.now();
		if (wait > 1) await sleep(wait);
		const phone = phones[k % phones.length];
		if (!phone) continue;
		const next = (busy.get(phone.index) ?? Promise.resolve()).then(() => act(phone, k));
		busy.set(phone.index, next);
		done.push(next);
	}
	return Promise.all(done);
}

/**
 * Reads what the database holds of the run, as its owner: stories by idempotency key, each phone's
 * ballot. PGlite: the app must have stopped (one process per data directory).
 * @param {{ databaseUrl?: string, dataDir?: string }} place
 * @param {string} voteId
 */
async function storedByTheRun(place, voteId) {
	const db = place.databaseUrl
		? await openPostgres(place.databaseUrl)
		: await openPglite(place.dataDir ?? '');
	try {
		const stories = /** @type {{ key: string, title: string, n: number }[]} */ (
			await db.query(
				`select idempotency_key::text as key, min(title) as title, count(*)::int as n
				 from cx.stories where title like 'Faults %' group by idempotency_key`
			)
		);
		const rows = /** @type {{ name: string, choice: string, seq: string }[]} */ (
			await db.query(
				`select p.display_name as name, b.choices->>0 as choice, b.seq::text as seq
				 from cx.ballots b join cx.participants p on p.id = b.participant_id where b.vote_id = $1`,
				[voteId]
			)
		);
		/** @type {Map<number, { choice: string, seq: number }>} */
		const ballots = new Map();
		for (const row of rows) {
			const index = Number(/^Phone (\d+)$/.exec(row.name)?.[1]);
			if (index) ballots.set(index, { choice: row.choice, seq: Number(row.seq) });
		}
		return { stories, ballots };
	} finally {
		await db.close();
	}
}

/** @param {Options} options */
async function faultsBench(options) {
	ensureOpenFiles(options.phones * 2);
	buildIfNeeded(options);
	phase = 'server start';
	const place = await faultsPlace(options);
	let server = await startServer(place);
	activeServer = server;
	cleanups.push(() => server.stop()); // whichever server runs by then
	log(`server pid ${server.pid} on ${server.url} (${options.engine}; it will be restarted on the same port)`);
	const { url } = server;
	const loadBefore = os.loadavg()[0] ?? 0;

	phase = 'sign-in';
	const session = await signIn(url);
	phase = 'screens';
	const watch = new VoteWatch();
	const screen = new ReconnectingStream('screen', url, `/w/${CODE}/events?as=screen`, session);
	const facilitator = new ReconnectingStream(
		'facilitator',
		url,
		`/w/${CODE}/events?as=facilitator`,
		session,
		watch.onDelta,
		(stream) => (watch.facilitator = stream)
	);
	await Promise.all([screen.connect(), facilitator.connect()]);
	const seen = new Observations();
	const arrival = await arrivals(url, server.pid, options, seen, watch.onDelta);
	const { phones } = arrival;
	if (phones.length < CRIES.length) throw new Error(`only ${phones.length} phones could join and connect`);
	const phoneStreams = phones.map((phone) => {
		const stream = new ReconnectingStream(
			phone.stream.label,
			url,
			`/w/${CODE}/events`,
			phone.cookie,
			watch.onDelta
		);
		stream.adopt(phone.stream);
		return stream;
	});
	const streams = [screen, facilitator, ...phoneStreams];
	cleanups.push(() => streams.forEach((stream) => stream.stop()));
	const watcher = setInterval(() => streams.forEach((stream) => stream.check()), 100);
	cleanups.push(() => clearInterval(watcher));

	const phaseMs = (options.seconds * 1000) / 2;
	const perPhase = Math.round((options.rate * options.seconds) / 2);
	/** @type {{ kind: string, at: number, backAt: number, downMs?: number, exit?: { code: number | null, signal: string | null } }[]} */
	const faults = [];

	// One phone in ten drops its stream once, at a random moment of the run.
	/** @type {{ stream: ReconnectingStream, at: number }[]} */
	const randomDrops = [];
	const dropTimers = phoneStreams
		.filter((_, i) => i % 10 === 5)
		.map((stream) =>
			setTimeout(
				() => {
					randomDrops.push({ stream, at: performance.now() });
					stream.drop();
				},
				Math.random() * 2 * phaseMs
			)
		);
	cleanups.push(() => dropTimers.forEach(clearTimeout));

	phase = 'stories (Dream)';
	await moveStage(url, session, 'dream', 'json');
	log(`Dream: ${perPhase} stories over ${phaseMs / 1000} s; every stream drops once half-way…`);
	const massDrop = sleep(phaseMs / 2).then(() => {
		// The server stays up: the phones are back when EventSource retries, at most RETRY_MAX_MS later.
		const at = performance.now();
		faults.push({ kind: 'mass disconnect', at, backAt: at + RETRY_MAX_MS });
		for (const stream of streams) stream.drop();
	});
	const storyDeadline = performance.now() + phaseMs + SETTLE_MS;
	const stories = await openLoop(phones, perPhase, options.rate, (phone, k) =>
		postStory(url, phone, k, storyDeadline)
	);
	await massDrop;
	// The vote's watcher reads deltas only: the panel must be back before the cries are proposed.
	const massAt = faults[0]?.at ?? 0;
	await waitFor(() => streams.every((stream) => stream.snapshotAfter(massAt) !== undefined), SETTLE_MS);
	log(`  ${stories.filter((s) => s.acted.ok).length}/${stories.length} stories acknowledged`);

	phase = 'opening the vote';
	await moveStage(url, session, 'excite', 'json');
	for (const [i, cry] of CRIES.entries()) {
		const phone = phones[i];
		if (phone) await proposeCry(url, phone, cry);
	}
	if (!(await waitFor(() => watch.cries.length >= CRIES.length, VOTE_SEEN_TIMEOUT_MS))) {
		throw new Error(
			`the facilitator saw ${watch.cries.length} cries, not ${CRIES.length} (${facilitator.connections.length} ` +
				`connections, version ${facilitator.lastVersion}, current ${watch.facilitator === facilitator.current})`
		);
	}
	const cries = watch.cries.filter((cry) => !cry.hidden).map((cry) => cry.id);
	await facilitate(url, session, 'openVote', { method: 'single' });
	if (!(await waitFor(() => watch.openVoteId !== null, VOTE_SEEN_TIMEOUT_MS))) {
		throw new Error('the facilitator never saw the vote open');
	}
	const voteId = /** @type {string} */ (watch.openVoteId);

	phase = 'ballots (Excite)';
	log(`Excite: ${perPhase} ballots over ${phaseMs / 1000} s; SIGTERM and a restart half-way…`);
	const restart = sleep(phaseMs / 2).then(async () => {
		const at = performance.now();
		log('  SIGTERM…');
		await server.stop();
		const exit = server.exitStatus();
		const stoppedAt = performance.now();
		server = await startServer(place);
		activeServer = server;
		const backAt = performance.now();
		faults.push({ kind: 'restart', at, backAt, downMs: backAt - at, exit });
		log(
			`  the server exited (code ${exit.code}, signal ${exit.signal}) ${round(stoppedAt - at)} ms after ` +
				`SIGTERM; back after ${round(backAt - at)} ms (pid ${server.pid})`
		);
	});
	/** @type {Map<number, number>} the last `seq` each phone sent: milliseconds, never going back */
	const lastSeq = new Map();
	const ballotDeadline = performance.now() + phaseMs + SETTLE_MS;
	const ballots = await openLoop(phones, perPhase, options.rate, (phone, k) => {
		const seq = Math.max(Date.now(), (lastSeq.get(phone.index) ?? 0) + 1);
		lastSeq.set(phone.index, seq);
		const choice = cries[(k * 7 + phone.index) % cries.length] ?? '';
		return castBallot(url, phone, voteId, choice, seq, ballotDeadline);
	});
	await restart;
	log(`  ${ballots.filter((b) => b.acted.ok).length}/${ballots.length} ballots acknowledged`);

	await drain();
	phase = 'counting';
	const finalVersion = Math.max(await currentVersion(url, session), ...streams.map((s) => s.lastVersion));
	const connections = streams.flatMap((stream) => stream.connections);
	// Each connection's versions must be contiguous from its snapshot: to its last one, the current
	// connection to the final version.
	const lost = streams.reduce(
		(sum, stream) =>
			sum +
			stream.connections.reduce(
				(n, c) => n + c.missingUpTo(c === stream.current ? finalVersion : c.lastVersion),
				0
			),
		0
	);
	const behind = phoneStreams.filter((stream) => stream.lastVersion !== finalVersion);

	phase = 'reading the database';
	if (options.engine === 'pglite') await server.stop();
	const stored = await storedByTheRun(place, voteId);
	const checked = checkStored(stories, stored.stories, ballots, stored.ballots);

	/** @type {import('./report.js').FaultsFacts} */
	const facts = {
		options,
		connected: phones.length,
		stories,
		ballots,
		checked,
		faults: faults.map((fault) => ({
			...fault,
			phones: convergence(phoneStreams, fault.at, fault.backAt),
			screen: convergence([screen], fault.at, fault.backAt)
		})),
		reconnectMs: summarize(
			randomDrops.flatMap(({ stream, at }) => {
				const t = stream.snapshotAfter(at);
				return t === undefined ? [] : [t - at];
			})
		),
		randomDropCount: randomDrops.length,
		streamRefusals: streams.reduce((sum, stream) => sum + stream.refused, 0),
		connections: connections.length,
		lost,
		deltasBeforeSnapshot: connections.reduce((sum, c) => sum + c.beforeSnapshot, 0),
		behind: behind.length,
		finalVersion,
		load: [loadBefore, os.loadavg()[0] ?? 0],
		stderr: server.errorLines()
	};
	const line = faultsLine(facts);
	printFaults(facts);
	console.log('');
	console.log(JSON.stringify(line));
	const clean =
		line.stories_missing === 0 &&
		line.stories_duplicated === 0 &&
		line.stories_wrong === 0 &&
		line.stories_unknown === 0 &&
		line.ballots_wrong === 0 &&
		line.ballots_missing === 0 &&
		line.gave_up === 0 &&
		line.lost === 0 &&
		line.phones_behind === 0 &&
		line.connected === options.phones;
	return clean ? 0 : 3;
}

async function main() {
	/** @type {NodeJS.Timeout | undefined} */
	let watchdog;
	let code = 1;
	try {
		const options = readOptions();
		/** @type {Promise<never>} */
		const timedOut = new Promise((_, reject) => {
			watchdog = setTimeout(
				() => reject(new Error(`timed out after ${options.timeoutS} s, during: ${phase}`)),
				options.timeoutS * 1000
			);
		});
		const run = options.library
			? libraryBench
			: options.votes
				? votesBench
				: options.faults
					? faultsBench
					: bench;
		code = await Promise.race([run(options), timedOut]);
	} catch (error) {
		console.error(
			`\nbench failed during ${phase}: ${error instanceof Error ? (error.stack ?? error.message) : error}`
		);
		if (activeServer) console.error(`--- last server output ---\n${activeServer.tail(40).join('\n')}`);
		code = 1;
	} finally {
		clearTimeout(watchdog);
		for (const cleanup of cleanups.reverse()) {
			try {
				await cleanup();
			} catch (error) {
				console.error(`cleanup: ${messageOf(error)}`);
			}
		}
		agent.destroy();
	}
	// Anything still pending (a stuck request after a timeout) must not keep the process alive.
	process.exit(code);
}

await main();
