// The demo workshop as its people use it over HTTP: the facilitator signs in and moves the stage,
// phones join, open their live stream and post moods (then reload their page's own data, as the phone's form does).
import { performance } from 'node:perf_hooks';
import { actionSucceeded, cookieFrom, formHeaders, request } from './http.js';
import { DEMO_PASSWORD } from './server.js';
import { LiveStream } from './sse.js';

export const CODE = 'DEMO42';
export const PHONE_COOKIE = `cx_p_${CODE}`;
export const SNAPSHOT_TIMEOUT_MS = 30_000;
export const JOIN_CONCURRENCY = 20;
/** Joining stops after this many failures in a row: the server has hit a wall, say where. */
const FAILURES_IN_A_ROW_TO_STOP = 10;

/** @typedef {(stream: LiveStream, delta: import('./sse.js').Delta, t: number) => void} OnDelta */

/**
 * @typedef {object} Phone
 * @property {number} index
 * @property {string} cookie
 * @property {LiveStream} stream
 * @property {number} joinMs from the join POST to the stream's snapshot
 */

/**
 * @typedef {object} Post
 * @property {number} phone the posting phone's index
 * @property {number} k the post's number (later posts have larger numbers)
 * @property {string} line unique to this post
 * @property {number} tSent when the phone sent the POST (the tap)
 * @property {number} t0 when the POST's response arrived
 * @property {number} rttMs from the tap to the response, a resend included
 * @property {boolean} ok
 * @property {boolean} reloadOk
 * @property {string | null} error
 */

/** @param {unknown} error */
export function messageOf(error) {
	return error instanceof Error ? error.message : String(error);
}

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @param {string} url
 * @returns {Promise<string>} the facilitator's session cookie
 */
export async function signIn(url) {
	const reply = await request(url, 'POST', '/login', {
		form: { email: 'demo@example.com', password: DEMO_PASSWORD },
		headers: { accept: 'text/html' }
	});
	const session = cookieFrom(reply, 'cx_session');
	if (reply.status !== 303 || !session) throw new Error(`sign-in answered ${reply.status} without a session`);
	return session;
}

/**
 * Joins as a new participant (no JavaScript: a 303 and the participant cookie).
 * @param {string} url
 * @param {string} name
 * @returns {Promise<{ cookie: string, tSent: number }>}
 */
export async function join(url, name) {
	const reply = await request(url, 'POST', `/j/${CODE}`, {
		form: { display_name: name },
		headers: { accept: 'text/html' }
	});
	const cookie = cookieFrom(reply, PHONE_COOKIE);
	if (reply.status !== 303 || !cookie) throw new Error(`join answered ${reply.status}`);
	return { cookie, tSent: reply.tSent };
}

/**
 * A phone arrives: joins, loads the page it is sent to, opens its stream.
 * @param {string} url
 * @param {number} index
 * @param {OnDelta} onDelta
 * @returns {Promise<Phone>}
 */
async function arrive(url, index, onDelta) {
	const { cookie, tSent } = await join(url, `Phone ${index}`);
	const page = await request(url, 'GET', `/w/${CODE}`, { cookie, headers: { accept: 'text/html' } });
	if (page.status !== 200) throw new Error(`participant page answered ${page.status}`);
	const stream = new LiveStream(`phone ${index}`, onDelta);
	try {
		await stream.open(url, `/w/${CODE}/events`, cookie, SNAPSHOT_TIMEOUT_MS);
	} catch (error) {
		stream.close();
		throw error;
	}
	return { index, cookie, stream, joinMs: performance.now() - tSent };
}

/**
 * `count` phones arrive, JOIN_CONCURRENCY at a time. Stops early, saying why, when arrivals keep failing.
 * @param {string} url
 * @param {number} count
 * @param {OnDelta} onDelta
 * @param {(live: number) => void} progress called every 5 s
 */
export async function arriveAll(url, count, onDelta, progress) {
	/** @type {Phone[]} */
	const phones = [];
	/** @type {{ index: number, reason: string }[]} */
	const failures = [];
	let next = 0;
	let inARow = 0;
	/** @type {string | null} */
	let stoppedBecause = null;

	const worker = async () => {
		while (next < count && !stoppedBecause) {
			const index = ++next;
			try {
				phones.push(await arrive(url, index, onDelta));
				inARow = 0;
			} catch (error) {
				failures.push({ index, reason: messageOf(error) });
				if (++inARow >= FAILURES_IN_A_ROW_TO_STOP) {
					stoppedBecause = `stopped at phone ${index}: ${inARow} failures in a row (last: ${messageOf(error)})`;
				}
			}
		}
	};
	const timer = setInterval(() => progress(phones.length), 5000);
	try {
		await Promise.all(Array.from({ length: JOIN_CONCURRENCY }, worker));
	} finally {
		clearInterval(timer);
	}
	phones.sort((a, b) => a.index - b.index);
	return { phones, failures, stoppedBecause };
}

/**
 * The facilitator moves the stage.
 * @param {string} url
 * @param {string} session
 * @param {string} stage
 * @param {'json' | 'html'} mode
 * @returns {Promise<{ t0: number, rttMs: number }>} t0: when the response arrived
 */
export async function moveStage(url, session, stage, mode) {
	const reply = await request(url, 'POST', `/w/${CODE}/facilitate?/stage`, {
		form: { stage },
		cookie: session,
		headers: formHeaders(mode)
	});
	if (!actionSucceeded(reply, mode)) {
		throw new Error(`moving the stage answered ${reply.status}: ${reply.body.slice(0, 300)}`);
	}
	return { t0: reply.tHeaders, rttMs: reply.tHeaders - reply.tSent };
}

/**
 * One phone posts one mood with a unique line, as the mood form does: the answer carries the mood,
 * nothing is reloaded. With `reload`, it then reloads its page's own data, as the form did before.
 * @param {string} url
 * @param {Phone} phone
 * @param {number} k
 * @param {'json' | 'html'} mode
 * @param {boolean} reload
 * @returns {Promise<Post>}
 */
async function postMood(url, phone, k, mode, reload) {
	/** @type {Post} */
	const post = {
		phone: phone.index,
		k,
		line: `bench ${phone.index}-${k}`,
		tSent: performance.now(),
		t0: NaN,
		rttMs: NaN,
		ok: false,
		reloadOk: false,
		error: null
	};
	try {
		const reply = await request(url, 'POST', `/w/${CODE}?/mood`, {
			form: { score: String((k % 5) + 1), line: post.line },
			cookie: phone.cookie,
			headers: formHeaders(mode)
		});
		post.t0 = reply.tHeaders;
		post.rttMs = reply.tHeaders - post.tSent;
		post.ok = actionSucceeded(reply, mode);
		if (!post.ok) post.error = `answered ${reply.status}: ${reply.body.slice(0, 200)}`;
		post.reloadOk = true;
		if (reload) {
			// As the phone's form did after a post: its page's own data alone (root layout, phones'
			// layout, page → 001), not the phones' layout with its live snapshot.
			const data = await request(url, 'GET', `/w/${CODE}/__data.json?x-sveltekit-invalidated=001`, {
				cookie: phone.cookie
			});
			post.reloadOk = data.status === 200;
		}
	} catch (error) {
		post.error ??= messageOf(error);
	}
	return post;
}

/**
 * Posts at a steady rate (open loop: a slow answer does not slow the phones down), round-robin over
 * the phones, so each phone posts again only every phones/rate seconds.
 * @param {string} url
 * @param {Phone[]} phones
 * @param {{ rate: number, seconds: number, posts: 'json' | 'html', reload: boolean }} options
 */
export async function postMoods(url, phones, options) {
	const total = Math.round(options.rate * options.seconds);
	const interval = 1000 / options.rate;
	/** @type {Promise<Post>[]} */
	const pending = [];
	const start = performance.now();
	for (let k = 0; k < total; k++) {
		const wait = start + k * interval - performance.now();
		if (wait > 1) await sleep(wait);
		const phone = phones[k % phones.length];
		if (phone) pending.push(postMood(url, phone, k, options.posts, options.reload));
	}
	const sendingS = (performance.now() - start) / 1000;
	return { posts: await Promise.all(pending), sendingS };
}

/**
 * The workshop's version now, from a fresh facilitator snapshot.
 * @param {string} url
 * @param {string} session
 */
export async function currentVersion(url, session) {
	const probe = new LiveStream('final snapshot');
	try {
		await probe.open(url, `/w/${CODE}/events?as=facilitator`, session, SNAPSHOT_TIMEOUT_MS);
		return probe.snapshotVersion;
	} finally {
		probe.close();
	}
}

// Excite: rallying cries and the vote on them -----------------------------------------------------

/**
 * The facilitator runs one control of the panel (an enhanced form post), e.g. `openVote`, `reveal`.
 * @param {string} url
 * @param {string} session
 * @param {string} action
 * @param {Record<string, string>} form
 * @returns {Promise<{ t0: number, rttMs: number }>} t0: when the response arrived
 */
export async function facilitate(url, session, action, form) {
	const reply = await request(url, 'POST', `/w/${CODE}/facilitate?/${action}`, {
		form,
		cookie: session,
		headers: formHeaders('json')
	});
	if (!actionSucceeded(reply, 'json')) {
		throw new Error(`${action} answered ${reply.status}: ${reply.body.slice(0, 300)}`);
	}
	return { t0: reply.tHeaders, rttMs: reply.tHeaders - reply.tSent };
}

/**
 * A phone proposes a rallying cry (during Excite).
 * @param {string} url
 * @param {Phone} phone
 * @param {string} cry
 */
export async function proposeCry(url, phone, cry) {
	const reply = await request(url, 'POST', `/w/${CODE}/excite?/propose`, {
		form: { cry },
		cookie: phone.cookie,
		headers: formHeaders('json')
	});
	if (!actionSucceeded(reply, 'json')) {
		throw new Error(`proposing "${cry}" answered ${reply.status}: ${reply.body.slice(0, 300)}`);
	}
}

/**
 * @typedef {object} BallotPost
 * @property {number} phone the phone's index
 * @property {'first' | 'retry' | 'change'} kind a retry resends the first ballot; a change is a second, different one
 * @property {number} tSent
 * @property {number} t0 when the response arrived (NaN without one)
 * @property {number} rttMs from sending to the response, a keep-alive resend included
 * @property {boolean} ok answered 200 with a `success` action result
 * @property {boolean | null} reloadOk the page data reload after it (null when not reloaded)
 * @property {string | null} error
 */

/**
 * A phone casts (or replaces) its ballot as the Excite page's enhanced form does (which shows the
 * ballot from the answer and reloads nothing); with `reload`, it then reloads the page data too, as
 * a page whose form reloads after posting would.
 * @param {string} url
 * @param {Phone} phone
 * @param {Record<string, string>} form `vote` and `choice`, or `rank-1`, `rank-2`…
 * @param {BallotPost['kind']} kind
 * @param {{ reload: boolean, agent?: import('node:http').Agent }} how `agent`: the phone's own
 *   connections (default: the bench's shared keep-alive pool)
 * @returns {Promise<BallotPost>}
 */
export async function castBallot(url, phone, form, kind, how) {
	/** @type {BallotPost} */
	const post = {
		phone: phone.index,
		kind,
		tSent: performance.now(),
		t0: NaN,
		rttMs: NaN,
		ok: false,
		reloadOk: null,
		error: null
	};
	try {
		const reply = await request(url, 'POST', `/w/${CODE}/excite?/vote`, {
			form,
			cookie: phone.cookie,
			headers: formHeaders('json'),
			agent: how.agent
		});
		post.t0 = reply.tHeaders;
		post.rttMs = reply.tHeaders - post.tSent;
		post.ok = actionSucceeded(reply, 'json');
		if (!post.ok) post.error = `answered ${reply.status}: ${reply.body.slice(0, 200)}`;
		if (how.reload) {
			// Every node's data: the root layout, the phones' layout (the snapshot) and the page.
			const data = await request(url, 'GET', `/w/${CODE}/excite/__data.json?x-sveltekit-invalidated=111`, {
				cookie: phone.cookie,
				agent: how.agent
			});
			post.reloadOk = data.status === 200;
		}
	} catch (error) {
		post.error ??= messageOf(error);
	}
	return post;
}
