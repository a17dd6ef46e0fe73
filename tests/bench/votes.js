// The rallying-cry vote under load (--votes): what every stream saw of the vote, which ballot each
// phone casts (deterministic, so the result is known before the reveal), casting them at a steady
// rate, and checking the revealed count against what was cast.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { summarize } from './stats.js';
import { castBallot, sleep } from './workshop.js';

/** @typedef {import('./sse.js').LiveStream} LiveStream */
/** @typedef {import('./workshop.js').Phone} Phone */
/** @typedef {import('./workshop.js').BallotPost} BallotPost */
/** @typedef {import('../../src/lib/live').ExciteState} ExciteState */
/** @typedef {import('../../src/lib/tally').Tally} Tally */
/** @typedef {'single' | 'ranked'} Method */

/** Proposed by the first three phones, in this order (a vote lists its options oldest first). */
export const CRIES = ['Customers first, every call', 'Fix it once, fix it for good', 'Own the outcome'];
/** Of every 20 phones, the one with this index % 20 sends its ballot twice at once (a retry)… */
const RETRY_SLOT = 3;
/** …and this one casts a first ballot, then changes it for another. */
const CHANGE_SLOT = 11;

/**
 * @typedef {object} Revealed
 * @property {number} t when the stream received the revealed vote
 * @property {Tally | null} result
 * @property {string | null} winnerId
 */

/** What each stream saw of the rallying-cry votes, gathered as deltas arrive. */
export class VoteWatch {
	constructor() {
		/** @type {LiveStream | null} the facilitator's stream gives the cries and the ballot count */
		this.facilitator = null;
		/** @type {Map<LiveStream, Map<string, number>>} vote id → when the stream first saw it open */
		this.opened = new Map();
		/** @type {Map<LiveStream, Map<string, Revealed>>} vote id → when the stream first saw it revealed */
		this.revealed = new Map();
		/** @type {ExciteState['cries']} the cries as the facilitator last saw them */
		this.cries = [];
		/** @type {string | null} the open vote, as the facilitator last saw it */
		this.openVoteId = null;
		/**
		 * Every delta the facilitator received, by version: when, and `serverNow` (when the hub
		 * started building it) on this process's clock.
		 * @type {Map<number, { t: number, builtAt: number }>}
		 */
		this.facilitatorDeltas = new Map();
		/** The facilitator's latest ballot count of the open vote. */
		this.ballots = 0;
	}

	/** @type {import('./workshop.js').OnDelta} */
	onDelta = (stream, delta, t) => {
		if (stream === this.facilitator && delta.serverNow) {
			// Wall clock, same machine: on the performance.now() timeline.
			const builtAt = Date.parse(delta.serverNow) - (Date.now() - performance.now());
			this.facilitatorDeltas.set(delta.version, { t, builtAt });
		}
		// A ballot's delta carries its vote alone, recounted (older servers sent all of Excite again).
		const recounted = /** @type {{ recounted?: ExciteState['vote'] }} */ (delta).recounted;
		if (stream === this.facilitator && recounted?.status === 'open') this.ballots = recounted.ballots;
		const excite = /** @type {{ excite?: ExciteState }} */ (delta).excite;
		if (!excite) return;
		const vote = excite.vote;
		if (stream === this.facilitator) {
			this.cries = excite.cries;
			this.openVoteId = vote?.status === 'open' ? vote.id : null;
			if (vote?.status === 'open') this.ballots = vote.ballots;
		}
		if (!vote) return;
		if (vote.status === 'open') {
			const opened = this.opened.get(stream) ?? new Map();
			this.opened.set(stream, opened);
			if (!opened.has(vote.id)) opened.set(vote.id, t);
		} else if (vote.status === 'revealed') {
			const revealed = this.revealed.get(stream) ?? new Map();
			this.revealed.set(stream, revealed);
			if (!revealed.has(vote.id)) revealed.set(vote.id, { t, result: vote.result, winnerId: vote.winnerId });
		}
	};

	/**
	 * @param {LiveStream} stream
	 * @param {string} voteId
	 */
	openedAt(stream, voteId) {
		return this.opened.get(stream)?.get(voteId);
	}

	/**
	 * @param {LiveStream} stream
	 * @param {string} voteId
	 */
	revealedOn(stream, voteId) {
		return this.revealed.get(stream)?.get(voteId);
	}

	/**
	 * How long from `t0` until each stream saw `seenAt`, and how many never did.
	 * @param {LiveStream[]} streams
	 * @param {number} t0
	 * @param {(stream: LiveStream) => number | undefined} seenAt
	 */
	static latency(streams, t0, seenAt) {
		/** @type {number[]} */
		const samples = [];
		for (const stream of streams) {
			const t = seenAt(stream);
			if (t !== undefined) samples.push(t - t0);
		}
		return { latency: summarize(samples), missing: streams.length - samples.length };
	}
}

/**
 * @typedef {object} Plan one phone's part in the vote
 * @property {Phone} phone
 * @property {string[]} final its last ballot: the option chosen, or the options ranked first to last
 * @property {string[] | null} changedFrom a first, different ballot it casts before `final`
 * @property {boolean} retried its ballot is sent twice at once, as a phone retrying would
 */

/**
 * Which ballot each phone casts, from its index alone. Single choice: 45 % / 30 % / 25 % for the
 * three cries (the first wins). Ranked: first preferences 40 / 35 / 25 %, no majority; the third is
 * eliminated and its ballots go to the second, which wins 60 / 40 in round two. The first group
 * ranks only two cries. One phone in 20 retries, another changes its ballot.
 * @param {Phone[]} phones
 * @param {string[]} cries the vote's options, oldest first
 * @param {Method} method
 * @returns {Plan[]}
 */
export function planBallots(phones, cries, method) {
	const [a, b, c] = /** @type {[string, string, string]} */ (cries);
	return phones.map((phone) => {
		const slot = phone.index % 20;
		/** @type {string[]} */
		let final;
		/** @type {string[]} */
		let other;
		if (method === 'single') {
			final = slot < 9 ? [a] : slot < 15 ? [b] : [c];
			other = [final[0] === a ? b : a];
		} else {
			final = slot < 8 ? [a, c] : slot < 15 ? [b, c, a] : [c, b];
			other = [...final].reverse();
		}
		return { phone, final, changedFrom: slot === CHANGE_SLOT ? other : null, retried: slot === RETRY_SLOT };
	});
}

/**
 * A ballot as the Excite page's form sends it.
 * @param {string} voteId
 * @param {Method} method
 * @param {string[]} choices
 * @returns {Record<string, string>}
 */
export function ballotForm(voteId, method, choices) {
	/** @type {Record<string, string>} */
	const form = { vote: voteId };
	if (method === 'single') form.choice = choices[0] ?? '';
	else choices.forEach((choice, i) => (form[`rank-${i + 1}`] = choice));
	return form;
}

/**
 * @typedef {object} Cast one phone's posts
 * @property {Plan} plan
 * @property {BallotPost[]} posts in the order sent
 * @property {string[] | null} counted the ballot that should count: the last one accepted, or null
 * @property {number} acceptedAt when its first accepted ballot was answered (NaN if none was)
 */

/**
 * One phone votes: its ballot (twice at once when it retries), or a first ballot and, once that is
 * answered, `changeDelayMs` later (not past `windowEnd`), the one that replaces it. Unless `pooled`,
 * the phone has connections of its own, as a real one: its first ballot opens one (the one it
 * loaded the page on has long been closed), its reload and a change soon after reuse it, a retry
 * sent at once opens a second.
 * @param {string} url
 * @param {Plan} plan
 * @param {string} voteId
 * @param {Method} method
 * @param {{ reload: boolean, pooled: boolean, changeDelayMs: number, windowEnd: number }} timing
 * @returns {Promise<Cast>}
 */
async function vote(url, plan, voteId, method, timing) {
	// Idle sockets close after 4 s, before the server drops them (its keep-alive timeout is 5 s).
	const agent = timing.pooled ? undefined : new http.Agent({ keepAlive: true, timeout: 4000 });
	const how = { reload: timing.reload, agent };
	const send = (/** @type {string[]} */ choices, /** @type {BallotPost['kind']} */ kind) =>
		castBallot(url, plan.phone, ballotForm(voteId, method, choices), kind, how);
	/** @type {BallotPost[]} */
	let posts;
	/** @type {string[] | null} */
	let counted = null;
	if (plan.changedFrom) {
		const first = await send(plan.changedFrom, 'first');
		const wait =
			Math.min(first.tSent + first.rttMs + timing.changeDelayMs, timing.windowEnd) - performance.now();
		if (wait > 1) await sleep(wait);
		const change = await send(plan.final, 'change');
		posts = [first, change];
		counted = change.ok ? plan.final : first.ok ? plan.changedFrom : null;
	} else {
		posts = await Promise.all(
			plan.retried ? [send(plan.final, 'first'), send(plan.final, 'retry')] : [send(plan.final, 'first')]
		);
		if (posts.some((post) => post.ok)) counted = plan.final;
	}
	agent?.destroy();
	const accepted = posts.filter((post) => post.ok).map((post) => post.t0);
	return { plan, posts, counted, acceptedAt: accepted.length ? Math.min(...accepted) : NaN };
}

/**
 * Every phone votes once, the first ballots spread evenly over `seconds` (open loop: a slow answer
 * does not hold the next phone back).
 * @param {string} url
 * @param {Plan[]} plans
 * @param {string} voteId
 * @param {Method} method
 * @param {{ seconds: number, reload: boolean, pooled: boolean }} options
 */
export async function castAll(url, plans, voteId, method, options) {
	const interval = (options.seconds * 1000) / plans.length;
	const start = performance.now();
	const timing = {
		reload: options.reload,
		pooled: options.pooled,
		changeDelayMs: (options.seconds * 1000) / 4,
		windowEnd: start + options.seconds * 1000
	};
	/** @type {Promise<Cast>[]} */
	const pending = [];
	for (const [i, plan] of plans.entries()) {
		const wait = start + i * interval - performance.now();
		if (wait > 1) await sleep(wait);
		pending.push(vote(url, plan, voteId, method, timing));
	}
	const sendingS = (performance.now() - start) / 1000;
	const casts = await Promise.all(pending);
	return { casts, sendingS, answeredS: (performance.now() - start) / 1000 };
}

/**
 * What the vote must count, computed here independently of the app: the counts of tally.ts
 * (single choice; ranked by instant runoff, one option out per round, a tie for fewest settled by
 * the earlier rounds, latest first, then by the draw seeded with the vote's id).
 * @param {Method} method
 * @param {string[]} options oldest first, the order ties are listed in
 * @param {string[][]} ballots
 * @param {string} seed the vote's id
 * @returns {Tally}
 */
export function expectedTally(method, options, ballots, seed) {
	const sortedCounts = (/** @type {Map<string, number>} */ votes) =>
		options
			.filter((option) => votes.has(option))
			.map((option) => ({ option, votes: votes.get(option) ?? 0 }))
			.sort((x, y) => y.votes - x.votes);
	/** @type {Tally['rounds']} */
	const rounds = [];
	const running = new Set(options);
	for (;;) {
		const votes = new Map([...running].map((option) => [option, 0]));
		let exhausted = 0;
		for (const ballot of ballots) {
			const choice = (method === 'single' ? ballot.slice(0, 1) : ballot).find((o) => running.has(o));
			if (choice === undefined) exhausted++;
			else votes.set(choice, (votes.get(choice) ?? 0) + 1);
		}
		const counts = sortedCounts(votes);
		/** @type {Tally['rounds'][number]} */
		const round = { counts, exhausted, eliminated: [] };
		rounds.push(round);
		const finish = (/** @type {string[]} */ winners) => ({
			method,
			ballots: ballots.length,
			totals: counts,
			rounds,
			winners
		});
		const top = counts[0]?.votes ?? 0;
		const leaders = counts.filter((count) => count.votes === top).map((count) => count.option);
		if (method === 'single') return finish(top === 0 ? [] : leaders);
		const active = ballots.length - exhausted;
		if (active === 0) return finish([]);
		if (top * 2 > active || counts.length === 1) return finish(leaders.slice(0, 1));
		const fewest = counts.at(-1)?.votes ?? 0;
		const last = counts.filter((count) => count.votes === fewest).map((count) => count.option);
		if (last.length === counts.length) return finish(last);
		let out = last;
		for (let back = rounds.length - 2; back >= 0 && out.length > 1; back--) {
			const then = new Map(rounds[back]?.counts.map(({ option, votes }) => [option, votes]));
			const lowest = Math.min(...out.map((option) => then.get(option) ?? 0));
			out = out.filter((option) => then.get(option) === lowest);
		}
		if (out.length > 1) out = [drawOut(seed, rounds.length, out)];
		round.eliminated = out;
		for (const option of out) running.delete(option);
	}
}

/**
 * The draw that settles a tie for fewest, as src/lib/tally.ts defines it (the lowest cyrb53 hash of
 * seed, round and option goes).
 * @param {string} seed
 * @param {number} round
 * @param {string[]} tied
 */
function drawOut(seed, round, tied) {
	const hash = (/** @type {string} */ text) => {
		let h1 = 0xdeadbeef;
		let h2 = 0x41c6ce57;
		for (let i = 0; i < text.length; i++) {
			const code = text.charCodeAt(i);
			h1 = Math.imul(h1 ^ code, 2654435761);
			h2 = Math.imul(h2 ^ code, 1597334677);
		}
		h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
		h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
		return 4294967296 * (2097151 & h2) + (h1 >>> 0);
	};
	let out = tied[0];
	let lowest = Infinity;
	for (const option of tied) {
		const number = hash(`${seed}\u0000${round}\u0000${option}`);
		if (number < lowest) [out, lowest] = [option, number];
	}
	return /** @type {string} */ (out);
}

/**
 * A tally in a fixed shape, to compare two exactly.
 * @param {Tally} t
 */
function canonical(t) {
	const counts = (/** @type {Tally['totals']} */ c) => c.map(({ option, votes }) => [option, votes]);
	return JSON.stringify([
		t.method,
		t.ballots,
		counts(t.totals),
		t.winners,
		t.rounds.map((r) => [counts(r.counts), r.exhausted, [...r.eliminated].sort()])
	]);
}

/**
 * A revealed result against the expected one. Lost and double-counted ballots come from the first
 * round (each ballot counts there for its first choice): an option short of its expected votes
 * lost ballots, one over counted some twice (or counted a ballot for the wrong option, which shows
 * as both). `exact` compares everything: ballots, totals, every round and the winners.
 * @param {Tally} expected
 * @param {Tally | null} got
 */
export function compareTally(expected, got) {
	if (!got) return { lost: expected.ballots, doubleCounted: 0, exact: false };
	const firstRound = (/** @type {Tally} */ t) =>
		new Map((t.rounds[0]?.counts ?? t.totals).map(({ option, votes }) => [option, votes]));
	const want = firstRound(expected);
	const have = firstRound(got);
	let lost = 0;
	let doubleCounted = 0;
	for (const option of new Set([...want.keys(), ...have.keys()])) {
		const diff = (have.get(option) ?? 0) - (want.get(option) ?? 0);
		if (diff < 0) lost -= diff;
		else doubleCounted += diff;
	}
	// Ballots naming nothing still count as cast; compare the totals of ballots too.
	lost = Math.max(lost, expected.ballots - got.ballots);
	doubleCounted = Math.max(doubleCounted, got.ballots - expected.ballots);
	return { lost, doubleCounted, exact: canonical(expected) === canonical(got) };
}

/**
 * When each ballot that the room hears of was answered, earliest first: a phone's first accepted
 * ballot (a new one), and an accepted change (a different one); a retry of the same is not announced.
 * @param {Cast[]} casts
 * @returns {number[]}
 */
export function announcedAnswers(casts) {
	const changes = casts.flatMap((cast) =>
		cast.posts.filter((post) => post.kind === 'change' && post.ok).map((post) => post.t0)
	);
	const firsts = casts.map((cast) => cast.acceptedAt).filter((t) => !Number.isNaN(t));
	return [...firsts, ...changes].sort((x, y) => x - y);
}

/**
 * The hub's queue of 'ballot' announcements, version by version. Each accepted new or changed ballot
 * is one announcement; the k-th after `firstVersion` is paired with the k-th of those by answer time
 * (an approximation: the k-th answer need not be the k-th insert, but the distributions hold).
 * `wait`: the ballot answered → the hub starts building its deltas (`serverNow`), i.e. time spent
 * queued behind earlier announcements; `build`: that → the facilitator received it (building the
 * deltas and writing them to every stream); `total`: answered → received.
 * @param {Cast[]} casts
 * @param {VoteWatch['facilitatorDeltas']} deltas
 * @param {number} firstVersion the version of the vote opening, before any ballot
 */
export function hubLag(casts, deltas, firstVersion) {
	const answered = announcedAnswers(casts);
	/** @type {number[]} */
	const wait = [];
	/** @type {number[]} */
	const build = [];
	/** @type {number[]} */
	const total = [];
	for (const [k, t] of answered.entries()) {
		const delta = deltas.get(firstVersion + k + 1);
		if (!delta) continue;
		wait.push(delta.builtAt - t);
		build.push(delta.t - delta.builtAt);
		total.push(delta.t - t);
	}
	return {
		wait: summarize(wait),
		build: summarize(build),
		total: summarize(total),
		missing: answered.length - total.length
	};
}
