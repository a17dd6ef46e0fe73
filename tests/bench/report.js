// The bench's output: a human-readable summary, then one JSON object per line for machines.
import { availableParallelism } from 'node:os';
import { describeSamples, hrefOf } from './library.js';
import { describe, round, summarize } from './stats.js';

export const PAGE_JS_GOAL_KB = 50;

/**
 * @typedef {object} LiveFacts
 * @property {import('./run.js').Options} options
 * @property {number} connected phones that joined and got their snapshot
 * @property {{ joinS: number, cpuPct: number, openFiles: number, latency: import('./stats.js').Summary,
 *   failures: { index: number, reason: string }[], stoppedBecause: string | null }} arrival
 * @property {{ latency: import('./stats.js').Summary, rttMs: number, missed: number }} stage
 * @property {{ posts: import('./workshop.js').Post[], rtt: import('./stats.js').Summary, sendingS: number,
 *   answeredS: number, cpuPct: number, dbCpuPct: number | null, benchCpuPct: number, loopP99Ms: number }} posting
 * @property {ReturnType<import('./observations.js').Observations['postLatencies']>} latencies
 * @property {ReturnType<import('./observations.js').Observations['lostEvents']>} events
 * @property {number} finalVersion
 * @property {number} streams
 * @property {number} peakRssMb
 * @property {string[]} stderr
 * @property {number} resent requests sent again after a keep-alive reset
 */

/**
 * Distinct values, most frequent first.
 * @param {string[]} values
 * @returns {[string, number][]}
 */
function countBy(values) {
	/** @type {Map<string, number>} */
	const counts = new Map();
	for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
	return [...counts].sort((a, b) => b[1] - a[1]);
}

/**
 * The live bench as one flat JSON-able object. p50/p95/p99/max_ms cover every sample of a mood
 * reaching a stream (each phone and the screen), measured from the POST's response; phones hear
 * of a mood's version only in a bare tick, up to a second later, as it shows nothing on a phone.
 * @param {LiveFacts} f
 */
export function liveLine(f) {
	const { latencies: l, posting: p } = f;
	return {
		bench: 'live',
		engine: f.options.engine,
		phones: f.options.phones,
		connected: f.connected,
		rate: f.options.rate,
		seconds: f.options.seconds,
		posts: p.posts.length,
		p50_ms: l.all.p50,
		p95_ms: l.all.p95,
		p99_ms: l.all.p99,
		max_ms: l.all.max,
		phone_p50_ms: l.phone.p50,
		phone_p95_ms: l.phone.p95,
		phone_p99_ms: l.phone.p99,
		phone_max_ms: l.phone.max,
		screen_p50_ms: l.screen.p50,
		screen_p95_ms: l.screen.p95,
		screen_max_ms: l.screen.max,
		stage_p50_ms: f.stage.latency.p50,
		stage_p95_ms: f.stage.latency.p95,
		stage_p99_ms: f.stage.latency.p99,
		stage_max_ms: f.stage.latency.max,
		post_rtt_p95_ms: p.rtt.p95,
		tap_to_screen_p95_ms: l.tap.p95,
		fan_out_p95_ms: l.fanOut.p95,
		join_s: round(f.arrival.joinS),
		join_p95_ms: f.arrival.latency.p95,
		lost: f.events.lost,
		failed_posts: p.posts.filter((post) => !post.ok).length,
		lost_posts: l.lostPosts,
		superseded_posts: l.superseded,
		failed_reloads: p.posts.filter((post) => post.ok && !post.reloadOk).length,
		failed_joins: f.arrival.failures.length,
		streams_ended: f.events.ended.length,
		deltas_before_snapshot: f.events.beforeSnapshot,
		resent_requests: f.resent,
		final_version: f.finalVersion,
		cpu_pct: Math.round(p.cpuPct),
		db_cpu_pct: p.dbCpuPct === null ? null : Math.round(p.dbCpuPct),
		join_cpu_pct: Math.round(f.arrival.cpuPct),
		peak_rss_mb: Math.round(f.peakRssMb),
		bench_cpu_pct: Math.round(p.benchCpuPct),
		bench_loop_p99_ms: round(p.loopP99Ms),
		server_stderr_lines: f.stderr.length
	};
}

/** @param {LiveFacts} f */
export function printLive(f) {
	const { latencies: l, posting: p, events: e } = f;
	const failed = p.posts.filter((post) => !post.ok);
	const out = (/** @type {string} */ label, /** @type {string} */ text) =>
		console.log(`${label.padEnd(15)}${text}`);

	console.log(`\n=== live workshop: ${f.options.engine}, ${f.connected}/${f.options.phones} phones ===`);
	out('arrivals', `${f.arrival.joinS.toFixed(1)} s for all; join → snapshot ${describe(f.arrival.latency)}`);
	if (f.arrival.failures.length) {
		for (const [reason, n] of countBy(f.arrival.failures.map((x) => x.reason)).slice(0, 5))
			out('', `${n} × ${reason}`);
	}
	if (f.arrival.stoppedBecause) out('', `BROKE: ${f.arrival.stoppedBecause}`);
	out('stage change', `${describe(f.stage.latency)}  (POST answered in ${round(f.stage.rttMs)} ms, median)`);
	if (f.stage.missed) out('', `${f.stage.missed} stream-moves never saw the stage change`);
	// A mood shows nothing on a phone: phones hear of its version in a bare tick within a second.
	out('mood → phones', `${describe(l.phone)}  (a bare version tick, held up to 1 s by design)`);
	out('mood → screen', describe(l.screen));
	out('  of which', `delta's serverNow → phone received: ${describe(l.fanOut)}`);
	out('mood POST rtt', `${describe(p.rtt)}  (POST sent → response, a resend included)`);
	out('tap → screen', `${describe(l.tap)}  (POST sent → line on the screen)`);
	const examples = e.lostBy.slice(0, 5).map((s) => `${s.label}: ${s.missing}`);
	out(
		'lost events',
		`${e.lost} across ${f.streams} streams up to version ${f.finalVersion}` +
			(examples.length ? ` (e.g. ${examples.join(', ')})` : '')
	);
	out('early deltas', `${e.beforeSnapshot} deltas arrived before their stream's snapshot`);
	out(
		'streams ended',
		`${e.ended.length}${e.ended[0] ? ` (e.g. ${e.ended[0].label}: ${e.ended[0].endedByServer})` : ''}`
	);
	out(
		'posts',
		`${p.posts.length} sent in ${p.sendingS.toFixed(1)} s, all answered after ${p.answeredS.toFixed(1)} s; ` +
			`${failed.length} failed, ${l.lostPosts} never reached the screen, ${l.superseded} superseded ` +
			`by the same phone's next post; ${f.resent} requests resent after a keep-alive reset`
	);
	for (const [reason, n] of countBy(failed.map((post) => post.error ?? 'unknown')).slice(0, 5)) {
		out('', `${n} × ${reason}`);
	}
	out(
		'server',
		`${Math.round(p.cpuPct)} % of one core while posting, ${Math.round(f.arrival.cpuPct)} % while joining; ` +
			`peak RSS ${Math.round(f.peakRssMb)} MB; ${f.arrival.openFiles} open files` +
			(p.dbCpuPct === null ? '' : `; PostgreSQL backends ${Math.round(p.dbCpuPct)} % while posting`)
	);
	out(
		'bench client',
		`${Math.round(p.benchCpuPct)} % of one core while posting; event-loop delay p99 ${round(p.loopP99Ms)} ms`
	);
	if (f.stderr.length)
		out('server stderr', `${f.stderr.length} lines; first ones:\n  ${f.stderr.slice(0, 10).join('\n  ')}`);
}

/**
 * Prints the chunk list and returns the JSON line, or prints why the measurement was skipped.
 * @param {{ chunks: import('./pageJs.js').Chunk[], finalPath: string } | null} js
 * @param {string} route
 * @param {string} skipped why there is no measurement, when js is null
 */
export function printPageJs(js, route, skipped) {
	if (!js) {
		console.log(`\npage JavaScript: skipped — ${skipped}`);
		return null;
	}
	const raw = js.chunks.reduce((sum, c) => sum + c.raw, 0);
	const gzip = js.chunks.reduce((sum, c) => sum + c.gzip, 0);
	const kb = (/** @type {number} */ bytes, /** @type {number} */ width) =>
		(bytes / 1024).toFixed(1).padStart(width);
	console.log(`\n=== participant page ${route} in Chromium (390×844), as a joined phone ===`);
	if (js.finalPath !== route) console.log(`  warning: the page ended on ${js.finalPath}`);
	for (const chunk of [...js.chunks].sort((a, b) => b.gzip - a.gzip)) {
		console.log(`  ${kb(chunk.gzip, 6)} kB gz ${kb(chunk.raw, 7)} kB  ${chunk.path}`);
	}
	const met = gzip / 1024 <= PAGE_JS_GOAL_KB ? 'met' : 'NOT met';
	console.log(
		`  ${js.chunks.length} scripts: ${kb(raw, 0)} kB raw, ${kb(gzip, 0)} kB gzip (zlib level 9) — ` +
			`goal ≤ ${PAGE_JS_GOAL_KB} kB: ${met}`
	);
	return {
		bench: 'page-js',
		route: route.replace(/^\/w\/[^/]+/, '/w/CODE'),
		chunks: js.chunks.length,
		gzip_kb: round(gzip / 1024),
		raw_kb: round(raw / 1024),
		gzip_level: 9,
		goal_gzip_kb: PAGE_JS_GOAL_KB
	};
}

// The story library (--library) ------------------------------------------------------------------

export const LIBRARY_GOAL_P95_MS = 50;
/** The Insights page over the same library, one leader at a time. */
export const INSIGHTS_GOAL_P95_MS = 100;

/**
 * @typedef {object} LibraryFacts
 * @property {import('./run.js').Options} options
 * @property {import('./library.js').LibraryQuery[]} queries
 * @property {string[]} missing paths that answered 404; their types were not measured
 * @property {number} loadS generating and loading the stories
 * @property {Map<string, import('./library.js').DatabaseTiming>} database app.library_search alone
 * @property {import('./library.js').Sample[]} solo one request at a time
 * @property {import('./library.js').Sample[]} samples the mix
 * @property {number} mixS
 * @property {number} cpuPct the app process during the mix, % of one core
 * @property {number | null} dbCpuPct PostgreSQL's backends during the mix
 * @property {number} peakRssMb
 * @property {string[]} stderr
 */

/**
 * Everything about one query type, or about the pages overall.
 * @param {LibraryFacts} f
 * @param {(name: string) => boolean} includes
 */
function libraryGroup(f, includes) {
	const mixed = describeSamples(f.samples.filter((s) => includes(s.name)));
	const solo = describeSamples(f.solo.filter((s) => includes(s.name)));
	return { mixed, solo };
}

/**
 * The library bench as one JSON-able object. p50/p95/max_ms cover every /library page request of
 * the mix (the search and filter queries); the export has its own entry in by_type.
 * @param {LibraryFacts} f
 */
export function libraryLine(f) {
	const pages = new Set(f.queries.filter((q) => q.path === '/library').map((q) => q.name));
	const overall = libraryGroup(f, (name) => pages.has(name));
	/** @type {Record<string, Record<string, number | string | null>>} */
	const byType = {};
	for (const query of f.queries) {
		const { mixed, solo } = libraryGroup(f, (name) => name === query.name);
		const db = f.database.get(query.name);
		byType[query.name] = {
			url: hrefOf(query),
			n: mixed.latency.n,
			p50_ms: mixed.latency.p50,
			p95_ms: mixed.latency.p95,
			max_ms: mixed.latency.max,
			bytes: mixed.bytes,
			failures: mixed.failures + solo.failures,
			solo_ms: solo.latency.p50,
			db_p50_ms: db?.latency.p50 ?? null,
			db_max_ms: db?.latency.max ?? null,
			matches: db?.matches ?? null,
			term_stories: db?.termStories ?? null
		};
	}
	const insightPages = new Set(f.queries.filter((q) => q.path === '/insights').map((q) => q.name));
	const insights = libraryGroup(f, (name) => insightPages.has(name));
	const all = describeSamples([...f.samples, ...f.solo]);
	return {
		bench: 'library',
		engine: f.options.engine,
		stories: f.options.stories,
		requests: f.samples.length,
		concurrency: f.options.concurrency,
		p50_ms: overall.mixed.latency.p50,
		p95_ms: overall.mixed.latency.p95,
		max_ms: overall.mixed.latency.max,
		goal_p95_ms: LIBRARY_GOAL_P95_MS,
		insights_p50_ms: insights.mixed.latency.p50,
		insights_p95_ms: insights.mixed.latency.p95,
		insights_max_ms: insights.mixed.latency.max,
		insights_goal_p95_ms: INSIGHTS_GOAL_P95_MS,
		failures: all.failures,
		missing: f.missing,
		load_s: round(f.loadS),
		requests_per_s: f.mixS ? round(f.samples.length / f.mixS) : null,
		cpu_pct: Math.round(f.cpuPct),
		db_cpu_pct: f.dbCpuPct === null ? null : Math.round(f.dbCpuPct),
		peak_rss_mb: Math.round(f.peakRssMb),
		server_stderr_lines: f.stderr.length,
		by_type: byType
	};
}

/** @param {LibraryFacts} f */
export function printLibrary(f) {
	const line = libraryLine(f);
	const cell = (/** @type {number | string | null | undefined} */ value, /** @type {number} */ width) =>
		String(value ?? '–').padStart(width);
	console.log(
		`\n=== story library: ${f.options.engine}, ${f.options.stories.toLocaleString('en')} stories ` +
			`(loaded in ${line.load_s} s), ${line.requests} requests ${f.options.concurrency} at a time ===`
	);
	console.log(
		`${'type'.padEnd(15)}${cell('matches', 8)}${cell('db p50', 8)}${cell('solo', 8)}` +
			`${cell('p50', 8)}${cell('p95', 8)}${cell('max', 8)}${cell('kB', 8)}${cell('fail', 6)}  url`
	);
	for (const [name, t] of Object.entries(line.by_type)) {
		const matches = t.matches === null ? null : Number(t.matches) > 200 ? '>200' : t.matches;
		const kb = t.bytes === null ? null : (Number(t.bytes) / 1024).toFixed(1);
		console.log(
			`${name.padEnd(15)}${cell(matches, 8)}${cell(t.db_p50_ms, 8)}${cell(t.solo_ms, 8)}` +
				`${cell(t.p50_ms, 8)}${cell(t.p95_ms, 8)}${cell(t.max_ms, 8)}${cell(kb, 8)}${cell(t.failures, 6)}  ${t.url}`
		);
	}
	const met = line.p95_ms !== null && line.p95_ms <= LIBRARY_GOAL_P95_MS ? 'met' : 'NOT met';
	console.log(
		`${'pages'.padEnd(15)}p50 ${line.p50_ms} / p95 ${line.p95_ms} / max ${line.max_ms} ms — ` +
			`goal p95 ≤ ${LIBRARY_GOAL_P95_MS} ms: ${met}`
	);
	const insightsMet =
		line.insights_p95_ms !== null && line.insights_p95_ms <= INSIGHTS_GOAL_P95_MS ? 'met' : 'NOT met';
	console.log(
		`${'insights'.padEnd(15)}p50 ${line.insights_p50_ms} / p95 ${line.insights_p95_ms} / max ${line.insights_max_ms} ms — ` +
			`goal p95 ≤ ${INSIGHTS_GOAL_P95_MS} ms: ${insightsMet}`
	);
	const terms = Object.entries(line.by_type).filter(([, t]) => t.term_stories !== null);
	if (terms.length) {
		const share = (/** @type {number} */ n) => `${((100 * n) / f.options.stories).toFixed(n ? 2 : 0)} %`;
		console.log(
			`${'search text in'.padEnd(15)}` +
				terms.map(([name, t]) => `${name} ${t.term_stories} (${share(Number(t.term_stories))})`).join(', ')
		);
	}
	if (f.missing.length)
		console.log(`${'MISSING'.padEnd(15)}${f.missing.join(', ')} answered 404: not measured`);
	const errors = describeSamples([...f.samples, ...f.solo]).errors;
	if (errors.length) console.log(`${'errors'.padEnd(15)}${errors.slice(0, 5).join('; ')}`);
	console.log(
		`${'server'.padEnd(15)}${line.cpu_pct} % of one core during the mix` +
			(line.db_cpu_pct === null ? '' : `, PostgreSQL backends ${line.db_cpu_pct} %`) +
			`; ${line.requests_per_s} requests/s; peak RSS ${line.peak_rss_mb} MB`
	);
	if (f.stderr.length)
		console.log(
			`${'server stderr'.padEnd(15)}${f.stderr.length} lines; first ones:\n  ${f.stderr.slice(0, 10).join('\n  ')}`
		);
}

// The rallying-cry vote (--votes) ------------------------------------------------------------------

export const VOTE_GOAL_P95_MS = 250;

/**
 * @typedef {object} VotesFacts
 * @property {import('./run.js').Options} options
 * @property {number} connected phones that joined and got their snapshot
 * @property {LiveFacts['arrival']} arrival
 * @property {{ voteId: string, cries: string[], rttMs: number,
 *   opened: { latency: import('./stats.js').Summary, missing: number } }} open
 * @property {import('./votes.js').Cast[]} casts
 * @property {number} sendingS
 * @property {number} answeredS
 * @property {{ seconds: number, cpuPct: number, dbCpuPct: number | null, benchCpuPct: number,
 *   othersCpuPct: number, cores: number, loopP99Ms: number }} cpu from the first ballot until the
 *   facilitator's count caught up; othersCpuPct: every other process on the machine
 * @property {boolean} countCaughtUp the facilitator's count reached every accepted ballot
 * @property {number} countedBallots the facilitator's last count before the reveal
 * @property {ReturnType<import('./votes.js').hubLag>} hub the 'ballot' announcements: queued, built, received
 * @property {number} drainMs the last ballot answered → its version reached the facilitator
 * @property {{ rttMs: number, latency: import('./stats.js').Summary, missing: number }} reveal
 * @property {import('../../src/lib/tally').Tally} expected
 * @property {number} lost worst phone: ballots its revealed result is short of
 * @property {number} doubleCounted worst phone: ballots its revealed result has too many of
 * @property {number} phonesWrongResult phones whose revealed result is not exactly the expected one
 * @property {{ label: string, ms: number, lost: number, doubleCounted: number, exact: boolean }[]} panels
 *   the screen and the facilitator at the reveal
 * @property {ReturnType<import('./observations.js').Observations['lostEvents']>} events
 * @property {number} finalVersion
 * @property {number} peakRssMb
 * @property {string[]} stderr
 * @property {number} resent
 */

/**
 * The vote bench as one flat JSON-able object. vote_*_ms: every ballot POST (first ballots, retries
 * and changes), sent → response; reveal_*_ms: the reveal POST's response → each phone has the result.
 * @param {VotesFacts} f
 */
export function votesLine(f) {
	const posts = f.casts.flatMap((cast) => cast.posts);
	const answered = summarize(posts.filter((post) => post.ok).map((post) => post.rttMs));
	const phonesSeen = f.connected - f.reveal.missing;
	return {
		bench: 'votes',
		engine: f.options.engine,
		phones: f.options.phones,
		connected: f.connected,
		method: f.options.method,
		seconds: f.options.seconds,
		connections: f.options.pooled ? 'pooled' : 'per-phone',
		reload: f.options.reload,
		ballot_posts: posts.length,
		retried: f.casts.filter((cast) => cast.plan.retried).length,
		changed: f.casts.filter((cast) => cast.plan.changedFrom).length,
		vote_p50_ms: answered.p50,
		vote_p95_ms: answered.p95,
		vote_p99_ms: answered.p99,
		vote_max_ms: answered.max,
		goal_p95_ms: VOTE_GOAL_P95_MS,
		goal_met: answered.p95 !== null && answered.p95 <= VOTE_GOAL_P95_MS,
		failed_votes: posts.filter((post) => !post.ok).length,
		phones_without_ballot: f.casts.filter((cast) => !cast.counted).length,
		expected_ballots: f.expected.ballots,
		lost: f.lost,
		double_counted: f.doubleCounted,
		phones_wrong_result: f.phonesWrongResult,
		reveal_p50_ms: f.reveal.latency.p50,
		reveal_p95_ms: f.reveal.latency.p95,
		reveal_max_ms: f.reveal.latency.max,
		phones_missing_reveal: f.reveal.missing,
		phones_with_reveal: phonesSeen,
		reveal_post_ms: round(f.reveal.rttMs),
		open_p50_ms: f.open.opened.latency.p50,
		open_p95_ms: f.open.opened.latency.p95,
		open_max_ms: f.open.opened.latency.max,
		phones_missing_open: f.open.opened.missing,
		count_p50_ms: f.hub.total.p50,
		count_p95_ms: f.hub.total.p95,
		count_max_ms: f.hub.total.max,
		hub_wait_p50_ms: f.hub.wait.p50,
		hub_wait_p95_ms: f.hub.wait.p95,
		hub_build_p50_ms: f.hub.build.p50,
		hub_build_p95_ms: f.hub.build.p95,
		hub_drain_ms: Number.isNaN(f.drainMs) ? null : round(f.drainMs),
		count_caught_up: f.countCaughtUp,
		sending_s: round(f.sendingS),
		answered_s: round(f.answeredS),
		failed_reloads: posts.filter((post) => post.reloadOk === false).length,
		lost_events: f.events.lost,
		streams_ended: f.events.ended.length,
		deltas_before_snapshot: f.events.beforeSnapshot,
		resent_requests: f.resent,
		final_version: f.finalVersion,
		cpu_pct: Math.round(f.cpu.cpuPct),
		db_cpu_pct: f.cpu.dbCpuPct === null ? null : Math.round(f.cpu.dbCpuPct),
		peak_rss_mb: Math.round(f.peakRssMb),
		bench_cpu_pct: Math.round(f.cpu.benchCpuPct),
		bench_loop_p99_ms: round(f.cpu.loopP99Ms),
		others_cpu_pct: Math.round(f.cpu.othersCpuPct),
		cores: f.cpu.cores,
		join_s: round(f.arrival.joinS),
		failed_joins: f.arrival.failures.length,
		server_stderr_lines: f.stderr.length
	};
}

/** @param {VotesFacts} f */
export function printVotes(f) {
	const line = votesLine(f);
	const posts = f.casts.flatMap((cast) => cast.posts);
	const failed = posts.filter((post) => !post.ok);
	const out = (/** @type {string} */ label, /** @type {string} */ text) =>
		console.log(`${label.padEnd(17)}${text}`);
	const byKind = (/** @type {import('./workshop.js').BallotPost['kind']} */ kind) =>
		summarize(posts.filter((post) => post.ok && post.kind === kind).map((post) => post.rttMs));

	console.log(
		`\n=== rallying-cry vote: ${f.options.engine}, ${f.connected}/${f.options.phones} phones, ` +
			`${f.options.method}, ${f.options.seconds} s, ` +
			`${f.options.pooled ? 'shared keep-alive pool' : 'a connection per phone'}` +
			`${f.options.reload ? '' : ', no page data reloads'} ===`
	);
	out('arrivals', `${f.arrival.joinS.toFixed(1)} s for all; join → snapshot ${describe(f.arrival.latency)}`);
	if (f.arrival.failures.length) {
		for (const [reason, n] of countBy(f.arrival.failures.map((x) => x.reason)).slice(0, 5))
			out('', `${n} × ${reason}`);
	}
	if (f.arrival.stoppedBecause) out('', `BROKE: ${f.arrival.stoppedBecause}`);
	out('vote open', `${describe(f.open.opened.latency)}  (POST answered in ${round(f.open.rttMs)} ms)`);
	if (f.open.opened.missing) out('', `${f.open.opened.missing} phones never saw the vote open`);
	const met = line.goal_met ? 'met' : 'NOT met';
	out(
		'ballot POST',
		`${describe(summarize(posts.filter((p) => p.ok).map((p) => p.rttMs)))} — goal p95 ≤ ${VOTE_GOAL_P95_MS} ms: ${met}`
	);
	out('  first ballots', describe(byKind('first')));
	out('  retries', `${describe(byKind('retry'))}  (the same ballot again, at once)`);
	out('  changes', `${describe(byKind('change'))}  (a second, different ballot)`);
	out(
		'ballots',
		`${posts.length} sent in ${f.sendingS.toFixed(1)} s, all answered after ${f.answeredS.toFixed(1)} s; ` +
			`${failed.length} failed; ${line.phones_without_ballot} phones without an accepted ballot; ` +
			`${f.resent} requests resent after a keep-alive reset; ${line.failed_reloads} page data reloads failed`
	);
	for (const [reason, n] of countBy(failed.map((post) => post.error ?? 'unknown')).slice(0, 5)) {
		out('', `${n} × ${reason}`);
	}
	out(
		'live count',
		`ballot answered → its announcement reached the facilitator ${describe(f.hub.total)}; ` +
			(f.countCaughtUp
				? `all ${f.expected.ballots} counted ${round(f.drainMs)} ms after the last answer`
				: `STOPPED at ${f.countedBallots} of ${f.expected.ballots}`)
	);
	out('  queued', `answered → the hub starts its deltas (serverNow): ${describe(f.hub.wait)}`);
	out(
		'  built',
		`serverNow → the facilitator has it (queries + writing every stream): ${describe(f.hub.build)}`
	);
	out('reveal', `${describe(f.reveal.latency)}  (POST answered in ${round(f.reveal.rttMs)} ms)`);
	if (f.reveal.missing) out('', `${f.reveal.missing} phones never got the revealed result`);
	for (const panel of f.panels) {
		out(`  ${panel.label}`, `${round(panel.ms)} ms; ${panel.exact ? 'exact result' : 'WRONG result'}`);
	}
	const totals = f.expected.totals
		.map(({ option, votes }) => `${f.open.cries.indexOf(option) + 1}: ${votes}`)
		.join(', ');
	const winners = f.expected.winners.map((w) => f.open.cries.indexOf(w) + 1).join(' & ');
	out(
		'count',
		`expected ${f.expected.ballots} ballots (cry ${totals}; winner ${winners || 'none'} after ` +
			`${f.expected.rounds.length} round${f.expected.rounds.length === 1 ? '' : 's'}); ` +
			`${f.lost} lost, ${f.doubleCounted} double-counted, ` +
			`${f.phonesWrongResult} of ${line.phones_with_reveal} phones with a result that is not exact`
	);
	const examples = f.events.lostBy.slice(0, 5).map((s) => `${s.label}: ${s.missing}`);
	out(
		'lost events',
		`${f.events.lost} up to version ${f.finalVersion}` +
			(examples.length ? ` (e.g. ${examples.join(', ')})` : '')
	);
	out(
		'streams ended',
		`${f.events.ended.length}${f.events.ended[0] ? ` (e.g. ${f.events.ended[0].label}: ${f.events.ended[0].endedByServer})` : ''}`
	);
	out(
		'server',
		`${Math.round(f.cpu.cpuPct)} % of one core from the first ballot until the count caught up ` +
			`(${f.cpu.seconds.toFixed(1)} s)` +
			(f.cpu.dbCpuPct === null ? '' : `; PostgreSQL backends ${Math.round(f.cpu.dbCpuPct)} %`) +
			`; peak RSS ${Math.round(f.peakRssMb)} MB`
	);
	out(
		'bench client',
		`${Math.round(f.cpu.benchCpuPct)} % of one core; event-loop delay p99 ${round(f.cpu.loopP99Ms)} ms`
	);
	// On a small machine anything else running (a test suite, a browser) takes the server's CPU.
	const busy = f.cpu.othersCpuPct > 20 ? ' — BUSY: the latencies above are not the app alone' : '';
	out('other processes', `${Math.round(f.cpu.othersCpuPct)} % of one core (${f.cpu.cores} cores)${busy}`);
	if (f.stderr.length)
		out('server stderr', `${f.stderr.length} lines; first ones:\n  ${f.stderr.slice(0, 10).join('\n  ')}`);
}

/**
 * @typedef {object} FaultsFacts
 * @property {import('./run.js').Options} options
 * @property {number} connected
 * @property {import('./faults.js').StorySent[]} stories
 * @property {import('./faults.js').BallotSent[]} ballots
 * @property {ReturnType<import('./faults.js').checkStored>} checked
 * @property {{ kind: string, at: number, backAt: number, downMs?: number,
 *   exit?: { code: number | null, signal: string | null },
 *   phones: ReturnType<import('./faults.js').convergence>,
 *   screen: ReturnType<import('./faults.js').convergence> }[]} faults
 * @property {import('./stats.js').Summary} reconnectMs a dropped stream → its new snapshot (the 2 s retry included)
 * @property {number} randomDropCount
 * @property {number} streamRefusals reconnects answered with something other than a stream
 * @property {number} connections every stream connection that got its snapshot
 * @property {number} lost versions missing within a connection
 * @property {number} deltasBeforeSnapshot
 * @property {number} behind phones not at the final version once the room was quiet
 * @property {number} finalVersion
 * @property {[number, number]} load the machine's 1-minute load average before and after
 * @property {string[]} stderr
 */

/** @param {FaultsFacts} f */
export function faultsLine(f) {
	const acts = [...f.stories, ...f.ballots].map((x) => x.acted);
	const mass = f.faults.find((x) => x.kind === 'mass disconnect');
	const restart = f.faults.find((x) => x.kind === 'restart');
	const c = f.checked;
	return {
		bench: 'faults',
		engine: f.options.engine,
		phones: f.options.phones,
		connected: f.connected,
		rate: f.options.rate,
		seconds: f.options.seconds,
		stories_sent: f.stories.length,
		stories_acknowledged: c.storiesAcknowledged,
		stories_missing: c.storiesMissing,
		stories_duplicated: c.storiesDuplicated,
		stories_wrong: c.storiesWrong,
		stories_unknown: c.storiesUnknown,
		stories_stored_unacknowledged: c.storedUnacknowledged,
		ballots_sent: f.ballots.length,
		ballots_acknowledged: f.ballots.filter((b) => b.acted.ok).length,
		phones_voted: c.phonesVoted,
		ballots_wrong: c.ballotsWrong,
		ballots_missing: c.ballotsMissing,
		ballots_ambiguous: c.ballotsAmbiguous,
		refused: acts.filter((a) => a.refused).length,
		gave_up: acts.filter((a) => !a.ok && !a.refused).length,
		resent_after_no_answer: acts.filter((a) => a.attempts > 1).length,
		ack_p95_ms: summarize(acts.filter((a) => a.ok).map((a) => a.tAck - a.tSent)).p95,
		ack_max_ms: summarize(acts.filter((a) => a.ok).map((a) => a.tAck - a.tSent)).max,
		random_reconnects: f.randomDropCount,
		reconnect_p95_ms: f.reconnectMs.p95,
		mass_converge_p95_ms: mass?.phones.p95 ?? null,
		mass_converge_max_ms: mass?.phones.max ?? null,
		mass_over_2s: mass?.phones.over2s ?? null,
		restart_exit_code: restart?.exit?.code ?? null,
		restart_down_ms: restart?.downMs === undefined ? null : round(restart.downMs),
		restart_converge_p95_ms: restart?.phones.p95 ?? null,
		restart_converge_max_ms: restart?.phones.max ?? null,
		restart_over_2s: restart?.phones.over2s ?? null,
		restart_screen_ms: restart?.screen.max ?? null,
		converged_within_2s: f.faults.every((x) => x.phones.over2s === 0 && x.screen.over2s === 0),
		stream_refusals: f.streamRefusals,
		connections: f.connections,
		lost: f.lost,
		deltas_before_snapshot: f.deltasBeforeSnapshot,
		phones_behind: f.behind,
		final_version: f.finalVersion,
		load_before: round(f.load[0]),
		load_after: round(f.load[1]),
		server_stderr_lines: f.stderr.length
	};
}

/** @param {FaultsFacts} f */
export function printFaults(f) {
	const l = faultsLine(f);
	const out = (/** @type {string} */ label, /** @type {string} */ text) =>
		console.log(`${label.padEnd(17)}${text}`);
	console.log(`\n=== faults: ${f.options.engine}, ${f.connected}/${f.options.phones} phones ===`);
	out(
		'stories',
		`${l.stories_acknowledged}/${l.stories_sent} acknowledged; in the database: ${l.stories_missing} missing, ` +
			`${l.stories_duplicated} stored twice, ${l.stories_wrong} wrong, ${l.stories_unknown} unknown ` +
			`(${l.stories_stored_unacknowledged} stored whose answer was lost)`
	);
	out(
		'ballots',
		`${l.ballots_acknowledged}/${l.ballots_sent} acknowledged from ${l.phones_voted} phones; in the database: ` +
			`${l.ballots_wrong} not the last acknowledged choice, ${l.ballots_missing} missing ` +
			`(${l.ballots_ambiguous} phones with a later unacknowledged ballot)`
	);
	for (const example of f.checked.examples) out('', example);
	out(
		'requests',
		`${l.resent_after_no_answer} sent again after no answer in 2 s, ${l.refused} refused, ${l.gave_up} given up; ` +
			`sent → acknowledged p95 ${l.ack_p95_ms} ms, max ${l.ack_max_ms} ms`
	);
	const errors = [...f.stories, ...f.ballots].flatMap((x) => x.acted.errors);
	for (const [reason, n] of countBy(errors).slice(0, 5)) out('', `${n} × ${reason}`);
	out(
		'random drops',
		`${l.random_reconnects} phones; drop → new snapshot ${describe(f.reconnectMs)} (the retry delay included)`
	);
	for (const fault of f.faults) {
		const what =
			fault.kind === 'restart'
				? `${fault.kind} (exit ${fault.exit?.code}, back ${round(fault.downMs ?? 0)} ms after SIGTERM)`
				: fault.kind;
		out(what.slice(0, 16), '');
		if (fault.kind === 'restart') out('', what);
		out('  phones', `${describe(fault.phones)} after the server was back; ${fault.phones.over2s} over 2 s`);
		out('  screen', `${describe(fault.screen)}`);
	}
	out(
		'streams',
		`${l.connections} connections, ${l.stream_refusals} reconnects refused (retried), ${l.lost} versions lost`
	);
	out('converged', `${l.phones_behind} phones not at the final version ${l.final_version} once quiet`);
	out('machine', `load average ${l.load_before} → ${l.load_after} (${availableParallelism()} cores)`);
	for (const line of f.stderr.slice(0, 5)) out('server stderr', line);
}
