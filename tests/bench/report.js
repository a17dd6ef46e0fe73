// The bench's output: a human-readable summary, then one JSON object per line for machines.
import { describe, round } from './stats.js';

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
 * reaching a stream (each phone and the screen), measured from the POST's response.
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
	out('stage change', `${describe(f.stage.latency)}  (POST answered in ${round(f.stage.rttMs)} ms)`);
	if (f.stage.missed) out('', `${f.stage.missed} streams never saw the stage change`);
	out('mood → phones', describe(l.phone));
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
		route: '/w/CODE',
		chunks: js.chunks.length,
		gzip_kb: round(gzip / 1024),
		raw_kb: round(raw / 1024),
		gzip_level: 9,
		goal_gzip_kb: PAGE_JS_GOAL_KB
	};
}
