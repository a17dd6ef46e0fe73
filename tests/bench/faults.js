// --faults: the room keeps working while things go wrong. Phones post stories (Dream) and change their
// ballot again and again (Excite) while one phone in ten drops its stream at a random moment, every
// stream drops at once, and the server is stopped with SIGTERM and started again. Each phone acts as
// its page does: one request at a time, given up after 2 s without an answer and sent again with the
// same idempotency key or sequence number until it is acknowledged; each stream reconnects as an
// EventSource does (after the server's `retry:`, 1–3 s). At the end the database is read: every
// acknowledged story stored exactly once, every ballot the phone's last acknowledged choice.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { actionSucceeded, formHeaders, request } from './http.js';
import { LiveStream } from './sse.js';
import { summarize } from './stats.js';
import { CODE, messageOf, sleep } from './workshop.js';

/** A phone gives up on a request after this long without an answer, and sends it again. */
export const GIVE_UP_MS = 2_000;
/** The server's `retry:` for EventSource (1–3 s, spread): how long a dropped stream waits before reconnecting. */
export const RETRY_MAX_MS = 3_000;
export const retryDelay = () => 1_000 + Math.random() * (RETRY_MAX_MS - 1_000);
/** A reconnecting stream that has not had its snapshot by now tries again. */
const RECONNECT_SNAPSHOT_MS = 10_000;
/** After the last action is due, retries may go on this long (the server may be restarting). */
export const SETTLE_MS = 30_000;

/**
 * A stream that reconnects as EventSource does: after the server's retry delay, again and again until it has its
 * snapshot. Every connection it has had is kept, to check each one's versions were contiguous.
 */
export class ReconnectingStream {
	/**
	 * @param {string} label
	 * @param {string} base
	 * @param {string} path
	 * @param {string} cookie
	 * @param {import('./workshop.js').OnDelta} [onDelta]
	 * @param {(stream: LiveStream) => void} [onOpen] told of each new connection (before its snapshot)
	 */
	constructor(label, base, path, cookie, onDelta, onOpen) {
		this.label = label;
		this.base = base;
		this.path = path;
		this.cookie = cookie;
		this.onDelta = onDelta;
		this.onOpen = onOpen;
		/** @type {LiveStream[]} every connection that got its snapshot */
		this.connections = [];
		/** @type {LiveStream | null} */
		this.current = null;
		/** @type {number[]} when each snapshot arrived */
		this.snapshotTimes = [];
		/** Attempts answered with something other than a stream (e.g. 503 while the server drains). */
		this.refused = 0;
		this.reconnecting = false;
		this.stopped = false;
	}

	/** @param {LiveStream} [existing] a stream already open (the phone's first), adopted as is */
	adopt(existing) {
		if (!existing) return;
		this.current = existing;
		this.connections.push(existing);
		this.snapshotTimes.push(performance.now());
	}

	/** Connects now; resolves once a snapshot has arrived (or the stream was stopped). */
	async connect() {
		while (!this.stopped) {
			const stream = new LiveStream(this.label, this.onDelta);
			this.current = stream;
			this.onOpen?.(stream);
			try {
				await stream.open(this.base, this.path, this.cookie, RECONNECT_SNAPSHOT_MS);
				this.connections.push(stream);
				this.snapshotTimes.push(performance.now());
				return;
			} catch (error) {
				if (/answered \d+/.test(messageOf(error))) this.refused++;
				stream.close();
				await sleep(retryDelay());
			}
		}
	}

	/** The server ended the stream (or its socket died): reconnect after the server's retry delay, once. */
	check() {
		if (this.reconnecting || this.stopped || !this.current?.endedByServer) return;
		this.reconnect();
	}

	/** The network dropped (the bench cut the socket): reconnect after the server's retry delay. */
	drop() {
		this.current?.close();
		this.reconnect();
	}

	reconnect() {
		this.reconnecting = true;
		void sleep(retryDelay())
			.then(() => this.connect())
			.finally(() => (this.reconnecting = false));
	}

	/** First snapshot at or after `t`, or undefined. */
	snapshotAfter(/** @type {number} */ t) {
		return this.snapshotTimes.find((s) => s >= t);
	}

	get lastVersion() {
		return this.current?.lastVersion ?? -1;
	}

	stop() {
		this.stopped = true;
		for (const stream of this.connections) stream.close();
		this.current?.close();
	}
}

/**
 * @typedef {object} Acted
 * @property {boolean} ok acknowledged (200 with a `success` action result)
 * @property {string | null} refused the server's refusal (a `failure` result): not sent again
 * @property {number} attempts
 * @property {number} tSent the first attempt
 * @property {number} tAck when acknowledged (NaN if never)
 * @property {string[]} errors what went wrong with each attempt that was not answered
 */

/**
 * Sends a phone's form post until it is acknowledged, refused, or `deadline` passes, as the phone's
 * page does: each attempt is given up after GIVE_UP_MS, and sent again (the same form, so the same
 * idempotency key or sequence number) after a short pause.
 * @param {string} url
 * @param {string} path
 * @param {Record<string, string>} form
 * @param {string} cookie
 * @param {number} deadline performance.now() after which no attempt starts
 * @returns {Promise<Acted>}
 */
export async function untilAcknowledged(url, path, form, cookie, deadline) {
	/** @type {Acted} */
	const acted = { ok: false, refused: null, attempts: 0, tSent: performance.now(), tAck: NaN, errors: [] };
	while (performance.now() < deadline) {
		acted.attempts++;
		try {
			const reply = await request(url, 'POST', path, {
				form,
				cookie,
				headers: formHeaders('json'),
				timeoutMs: GIVE_UP_MS
			});
			if (actionSucceeded(reply, 'json')) {
				acted.ok = true;
				acted.tAck = reply.tHeaders;
				return acted;
			}
			// A refusal (the vote closed, a form error) is an answer: the phone shows it, it does not resend.
			if (reply.status < 500 && reply.body.includes('"type":"failure"')) {
				acted.refused = reply.body.slice(0, 200);
				return acted;
			}
			acted.errors.push(`answered ${reply.status}`);
		} catch (error) {
			acted.errors.push(messageOf(error).replace(/within \d+ ms/, 'in time'));
		}
		await sleep(200 + Math.random() * 300);
	}
	return acted;
}

/**
 * @typedef {object} StorySent
 * @property {number} phone
 * @property {string} key idempotency key
 * @property {string} title
 * @property {Acted} acted
 */

/**
 * One story, as the Dream page's form posts it (the key comes with the page; a resend keeps it).
 * @param {string} url
 * @param {import('./workshop.js').Phone} phone
 * @param {number} k
 * @param {number} deadline
 * @returns {Promise<StorySent>}
 */
export async function postStory(url, phone, k, deadline) {
	const key = randomUUID();
	const title = `Faults ${phone.index}-${k}`;
	const form = {
		kind: k % 2 ? 'good' : 'bad',
		perspective: 'customer',
		title,
		body: `A story told while the bench broke things (${phone.index}-${k}).`,
		consent: 'room',
		key
	};
	const acted = await untilAcknowledged(url, `/w/${CODE}/dream?/story`, form, phone.cookie, deadline);
	return { phone: phone.index, key, title, acted };
}

/**
 * @typedef {object} BallotSent
 * @property {number} phone
 * @property {number} seq
 * @property {string} choice
 * @property {Acted} acted
 */

/**
 * One ballot (single choice) as the Excite page's form sends it, numbered by the phone (`seq`).
 * @param {string} url
 * @param {import('./workshop.js').Phone} phone
 * @param {string} voteId
 * @param {string} choice
 * @param {number} seq
 * @param {number} deadline
 * @returns {Promise<BallotSent>}
 */
export async function castBallot(url, phone, voteId, choice, seq, deadline) {
	const form = { vote: voteId, choice, seq: String(seq) };
	const acted = await untilAcknowledged(url, `/w/${CODE}/excite?/vote`, form, phone.cookie, deadline);
	return { phone: phone.index, seq, choice, acted };
}

/**
 * The checks on what the database holds.
 * @param {StorySent[]} stories
 * @param {{ key: string, title: string, n: number }[]} storedStories rows by idempotency key (title prefix "Faults ")
 * @param {BallotSent[]} ballots
 * @param {Map<number, { choice: string, seq: number }>} storedBallots phone index → its stored ballot
 */
export function checkStored(stories, storedStories, ballots, storedBallots) {
	const byKey = new Map(storedStories.map((row) => [row.key, row]));
	const acked = stories.filter((s) => s.acted.ok);
	const storiesMissing = acked.filter((s) => !byKey.has(s.key)).length;
	const storiesDuplicated = storedStories.filter((row) => row.n > 1).length;
	const storiesWrong = acked.filter((s) => {
		const row = byKey.get(s.key);
		return row !== undefined && row.title !== s.title;
	}).length;
	const sentKeys = new Set(stories.map((s) => s.key));
	const storiesUnknown = storedStories.filter((row) => !sentKeys.has(row.key)).length;
	// Sent, never acknowledged, yet stored: allowed (the answer was lost), counted for the report.
	const storedUnacknowledged = stories.filter((s) => !s.acted.ok && byKey.has(s.key)).length;

	/** @type {Map<number, BallotSent[]>} */
	const perPhone = new Map();
	for (const ballot of ballots) {
		const list = perPhone.get(ballot.phone) ?? [];
		list.push(ballot);
		perPhone.set(ballot.phone, list);
	}
	let ballotsWrong = 0;
	let ballotsMissing = 0;
	let ballotsAmbiguous = 0;
	/** @type {string[]} */
	const examples = [];
	for (const [phone, list] of perPhone) {
		const lastAcked = list.filter((b) => b.acted.ok).sort((a, b) => b.seq - a.seq)[0];
		const stored = storedBallots.get(phone);
		if (!lastAcked) continue; // none acknowledged: whatever is stored came from a lost answer
		if (!stored) {
			ballotsMissing++;
			continue;
		}
		// A later ballot that was never acknowledged may have landed: either is right then.
		const later = list.filter((b) => !b.acted.ok && b.seq > lastAcked.seq);
		const allowed = [lastAcked, ...later];
		if (later.length) ballotsAmbiguous++;
		if (!allowed.some((b) => b.choice === stored.choice && b.seq === stored.seq)) {
			ballotsWrong++;
			if (examples.length < 3) {
				examples.push(
					`phone ${phone}: stored ${stored.choice.slice(0, 8)} seq ${stored.seq}, ` +
						`last acknowledged ${lastAcked.choice.slice(0, 8)} seq ${lastAcked.seq}`
				);
			}
		}
	}
	return {
		storiesAcknowledged: acked.length,
		storiesMissing,
		storiesDuplicated,
		storiesWrong,
		storiesUnknown,
		storedUnacknowledged,
		phonesVoted: [...perPhone.values()].filter((list) => list.some((b) => b.acted.ok)).length,
		ballotsWrong,
		ballotsMissing,
		ballotsAmbiguous,
		examples
	};
}

/**
 * How long each stream took to have a snapshot again after a fault (from when the server was back,
 * or the drop, for a fault that did not stop it).
 * @param {ReconnectingStream[]} streams
 * @param {number} at when the fault happened
 * @param {number} backAt when the server was answering again
 */
export function convergence(streams, at, backAt) {
	const ms = [];
	let never = 0;
	for (const stream of streams) {
		const t = stream.snapshotAfter(at);
		if (t === undefined) never++;
		else ms.push(t - backAt);
	}
	return { ...summarize(ms), never, over2s: ms.filter((m) => m > 2000).length + never };
}
