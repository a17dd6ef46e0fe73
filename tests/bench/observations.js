// What the bench's streams saw, gathered as events arrive, and what it adds up to afterwards.
import { performance } from 'node:perf_hooks';
import { summarize } from './stats.js';

/** @typedef {import('./sse.js').LiveStream} LiveStream */
/** @typedef {import('./workshop.js').Phone} Phone */
/** @typedef {import('./workshop.js').Post} Post */
/** @typedef {import('./workshop.js').OnDelta} OnDelta */

export class Observations {
	constructor() {
		/** @type {LiveStream[]} every stream opened, to count lost versions and close at the end */
		this.streams = [];
		/** @type {string | null} the stage the facilitator last moved to */
		this.stageAwaited = null;
		/** @type {Map<LiveStream, number>} when each stream saw it */
		this.stageSeen = new Map();
		/** @type {Map<string, { version: number, t: number }>} line → the delta that first showed it on the screen */
		this.screenLines = new Map();
		/** @type {Map<number, number>} version → the phones' delta's `serverNow` (stamped as the server starts building it) */
		this.builtAt = new Map();
	}

	/** @type {OnDelta} */
	onPhoneDelta = (stream, delta, t) => {
		this.watchStage(stream, delta, t);
		if (delta.serverNow && !this.builtAt.has(delta.version)) {
			this.builtAt.set(delta.version, Date.parse(delta.serverNow));
		}
	};

	/** @type {OnDelta} */
	onScreenDelta = (stream, delta, t) => {
		this.watchStage(stream, delta, t);
		// The first time a line shows is when people see it (a later delta may repeat it).
		const line = delta.moodLine?.line;
		if (line && !this.screenLines.has(line)) this.screenLines.set(line, { version: delta.version, t });
	};

	/**
	 * @param {LiveStream} stream
	 * @param {import('./sse.js').Delta} delta
	 * @param {number} t
	 */
	watchStage(stream, delta, t) {
		if (delta.workshop?.stage === this.stageAwaited && !this.stageSeen.has(stream))
			this.stageSeen.set(stream, t);
	}

	/**
	 * Watches for the streams to see `stage`, which the facilitator is about to move to.
	 * @param {string} stage
	 */
	awaitStage(stage) {
		this.stageAwaited = stage;
		this.stageSeen = new Map();
	}

	closeAll() {
		for (const stream of this.streams) stream.close();
	}

	/**
	 * How long each of `watchers` took to see the awaited stage, from the facilitator's response.
	 * @param {LiveStream[]} watchers
	 * @param {number} t0
	 * @returns {number[]}
	 */
	stageLatencies(watchers, t0) {
		return watchers.flatMap((stream) => {
			const t = this.stageSeen.get(stream);
			return t === undefined ? [] : [t - t0];
		});
	}

	/**
	 * Versions missing from every stream, up to `finalVersion`.
	 * @param {number} finalVersion
	 */
	lostEvents(finalVersion) {
		const lostBy = this.streams
			.map((stream) => ({ label: stream.label, missing: stream.missingUpTo(finalVersion) }))
			.filter((s) => s.missing > 0);
		return {
			lost: lostBy.reduce((sum, s) => sum + s.missing, 0),
			lostBy,
			// A delta written before the stream's snapshot: the browser client sees a gap and reconnects.
			beforeSnapshot: this.streams.reduce((sum, stream) => sum + stream.beforeSnapshot, 0),
			ended: this.streams.filter((stream) => stream.endedByServer)
		};
	}

	/**
	 * How long each accepted post took to reach the screen and every phone. The screen's delta that
	 * first carried a post's line gives its version; every phone's arrival of that version counts.
	 * A mood is one row per phone, and a delta reads the row as it is when the delta is built: if the
	 * phone posted again meanwhile, the screen shows the newer line instead. That older post is
	 * "superseded", not lost — it is lost only if no later post of that phone showed either.
	 * @param {Post[]} posts
	 * @param {Phone[]} phones
	 */
	postLatencies(posts, phones) {
		const wallOffset = Date.now() - performance.now();
		/** @type {number[]} */
		const screen = [];
		/** @type {number[]} */
		const phone = [];
		/** @type {number[]} */
		const tap = [];
		/** @type {number[]} */
		const fanOut = [];
		/** @type {Map<number, number>} phone index → its newest post that showed */
		const newestShown = new Map();
		const accepted = posts.filter((post) => post.ok);
		for (const post of accepted) {
			const seen = this.screenLines.get(post.line);
			if (!seen) continue;
			newestShown.set(post.phone, Math.max(newestShown.get(post.phone) ?? -1, post.k));
			screen.push(seen.t - post.t0);
			tap.push(seen.t - post.tSent);
			const built = this.builtAt.get(seen.version);
			for (const { stream } of phones) {
				const t = stream.timeOf(seen.version);
				if (t === undefined) continue;
				phone.push(t - post.t0);
				if (built !== undefined) fanOut.push(wallOffset + t - built);
			}
		}
		const unseen = accepted.filter((post) => !this.screenLines.has(post.line));
		const superseded = unseen.filter((post) => (newestShown.get(post.phone) ?? -1) > post.k);
		// The person whose line was superseded waited until their newer line showed: that counts too,
		// or a server whose queue outlasts a phone's next post would hide its slowest taps.
		for (const post of superseded) {
			const later = accepted
				.filter((other) => other.phone === post.phone && other.k > post.k)
				.flatMap((other) => this.screenLines.get(other.line)?.t ?? []);
			if (later.length) tap.push(Math.min(...later) - post.tSent);
		}
		return {
			screen: summarize(screen),
			phone: summarize(phone),
			all: summarize([...screen, ...phone]),
			tap: summarize(tap),
			fanOut: summarize(fanOut),
			superseded: superseded.length,
			lostPosts: unseen.length - superseded.length
		};
	}
}
