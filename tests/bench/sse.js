// One live stream (Server-Sent Events) as a phone, the screen or the facilitator holds it. The text
// is parsed here rather than with an EventSource so that nothing reconnects behind our back: a
// dropped stream or a missing version must show up in the numbers.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * @typedef {object} Delta
 * @property {number} version
 * @property {number} [since] the versions after it and before `version` changed nothing for this stream
 * @property {string} [serverNow]
 * @property {{ stage?: string }} [workshop]
 * @property {{ id: string, score: number, line: string | null }} [moodLine]
 */

/** When any stream last received a snapshot or delta (pings and presence do not count). */
export const activity = { lastEventAt: 0, events: 0 };

export class LiveStream {
	/**
	 * @param {string} label e.g. "phone 17", "screen"
	 * @param {(stream: LiveStream, delta: Delta, t: number) => void} [onDelta]
	 */
	constructor(label, onDelta) {
		this.label = label;
		this.onDelta = onDelta;
		/** Version of the snapshot; -1 until it arrives. */
		this.snapshotVersion = -1;
		this.lastVersion = -1;
		/**
		 * @type {number[]} arrival time of version `snapshotVersion + 1 + i`: of its own delta, or of
		 * the delta that covered it (a version that changed nothing for this stream is told later)
		 */
		this.times = [];
		this.unique = 0;
		this.duplicates = 0;
		this.outOfOrder = 0;
		/** Deltas that overtook the snapshot (the client ignores them; the snapshot covers them). */
		this.beforeSnapshot = 0;
		/** Why the server ended the stream, if it did. */
		this.endedByServer = /** @type {string | null} */ (null);
		this.buffer = '';
		this.closing = false;
		/** @type {http.ClientRequest | null} */
		this.req = null;
		/** @type {(() => void) | undefined} */
		this.resolveSnapshot = undefined;
	}

	/**
	 * Opens the stream; resolves once the snapshot has arrived.
	 * @param {string} base
	 * @param {string} path
	 * @param {string} cookie
	 * @param {number} timeoutMs
	 * @returns {Promise<void>}
	 */
	open(base, path, cookie, timeoutMs) {
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				reject(new Error(`${this.label}: no snapshot within ${timeoutMs} ms`));
				this.close();
			}, timeoutMs);
			this.resolveSnapshot = () => {
				clearTimeout(timer);
				resolve();
			};
			// agent: false gives each stream its own socket, like separate phones.
			const req = http.get(new URL(path, base), {
				agent: false,
				headers: { cookie, accept: 'text/event-stream' }
			});
			this.req = req;
			req.on('response', (res) => {
				if (res.statusCode !== 200) {
					clearTimeout(timer);
					reject(new Error(`${this.label}: stream answered ${res.statusCode}`));
					res.resume();
					return;
				}
				res.setEncoding('utf8');
				res.on('data', (/** @type {string} */ text) => this.receive(text));
				res.on('close', () => {
					if (!this.closing) this.endedByServer ??= 'the server ended the stream';
				});
			});
			req.on('error', (error) => {
				clearTimeout(timer);
				if (!this.closing) this.endedByServer ??= error.message;
				reject(new Error(`${this.label}: ${error.message}`));
			});
		});
	}

	close() {
		this.closing = true;
		this.req?.destroy();
	}

	get connected() {
		return this.snapshotVersion >= 0;
	}

	/**
	 * Arrival time of `version`, or undefined if it never came.
	 * @param {number} version
	 */
	timeOf(version) {
		return this.times[version - this.snapshotVersion - 1];
	}

	/** @param {string} text */
	receive(text) {
		const t = performance.now();
		this.buffer += text;
		let end;
		while ((end = this.buffer.indexOf('\n\n')) >= 0) {
			const block = this.buffer.slice(0, end);
			this.buffer = this.buffer.slice(end + 2);
			this.handleBlock(block, t);
		}
	}

	/**
	 * @param {string} block one SSE event (lines up to a blank line)
	 * @param {number} t
	 */
	handleBlock(block, t) {
		let event = 'message';
		/** @type {string[]} */
		const data = [];
		for (const line of block.split('\n')) {
			if (line.startsWith(':')) continue; // comment, e.g. ": ping"
			const colon = line.indexOf(':');
			const field = colon < 0 ? line : line.slice(0, colon);
			const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
			if (field === 'event') event = value;
			else if (field === 'data') data.push(value);
		}
		if (data.length === 0) return; // e.g. "retry: 2000"
		if (event === 'snapshot') this.onSnapshot(JSON.parse(data.join('\n')), t);
		else if (event === 'delta') this.onDeltaEvent(JSON.parse(data.join('\n')), t);
	}

	/**
	 * @param {{ version: number }} snapshot
	 * @param {number} t
	 */
	onSnapshot(snapshot, t) {
		activity.lastEventAt = t;
		activity.events++;
		if (this.snapshotVersion >= 0) return; // a stream sends one snapshot; ignore any other
		this.snapshotVersion = this.lastVersion = snapshot.version;
		this.resolveSnapshot?.();
	}

	/**
	 * @param {Delta} delta
	 * @param {number} t
	 */
	onDeltaEvent(delta, t) {
		activity.lastEventAt = t;
		activity.events++;
		if (this.snapshotVersion < 0) {
			this.beforeSnapshot++;
			return;
		}
		const index = delta.version - this.snapshotVersion - 1;
		if (index < 0) return; // already covered by the snapshot
		if (this.times[index] !== undefined) {
			this.duplicates++;
			return;
		}
		const from = Math.max(delta.since ?? delta.version - 1, this.snapshotVersion);
		for (let v = from + 1; v <= delta.version; v++) {
			this.times[v - this.snapshotVersion - 1] ??= t;
		}
		this.unique++;
		if (delta.version < this.lastVersion) this.outOfOrder++;
		this.lastVersion = Math.max(this.lastVersion, delta.version);
		this.onDelta?.(this, delta, t);
	}

	/**
	 * How many versions in (snapshot, finalVersion] this stream never received.
	 * @param {number} finalVersion
	 */
	missingUpTo(finalVersion) {
		if (this.snapshotVersion < 0) return 0;
		let missing = 0;
		for (let v = this.snapshotVersion + 1; v <= finalVersion; v++)
			if (this.timeOf(v) === undefined) missing++;
		return missing;
	}
}
