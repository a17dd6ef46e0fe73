// A small HTTP client on plain node:http: the bench needs raw status codes (303s not followed),
// Set-Cookie headers, the moment the response headers arrived, and control over sockets.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

/**
 * @typedef {object} Reply
 * @property {number} status
 * @property {http.IncomingHttpHeaders} headers
 * @property {string} body
 * @property {number} tSent performance.now() when the request was sent
 * @property {number} tHeaders when the response headers arrived ("the response")
 * @property {number} tEnd when the body was complete
 */

/**
 * @typedef {object} RequestOptions
 * @property {Record<string, string>} [form] sent as application/x-www-form-urlencoded, with an Origin header
 * @property {string} [cookie]
 * @property {Record<string, string>} [headers]
 * @property {http.Agent} [agent]
 * @property {number} [timeoutMs] socket idle time before giving up
 */

// Keep-alive and no socket cap: requests from "different phones" must not queue behind each other
// here. Idle sockets close after 4 s, before Node's server drops them (keepAliveTimeout 5 s):
// reusing a socket the server is closing fails with ECONNRESET, which would be the bench's fault.
export const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, timeout: 4000 });

/** Requests sent a second time after a reset on a reused keep-alive socket (see `request`). */
export const resent = { count: 0 };

/**
 * Sends one request. Like a browser, it sends it once more when a reused keep-alive socket was
 * reset before any answer came: the server closed that idle socket just as we picked it (a busy
 * server notices its keep-alive timeout late), so the request never reached the app.
 * @param {string} base e.g. http://127.0.0.1:41234
 * @param {string} method
 * @param {string} path
 * @param {RequestOptions} [options]
 * @returns {Promise<Reply>}
 */
export async function request(base, method, path, options = {}) {
	try {
		return await send(base, method, path, options);
	} catch (error) {
		if (!(/** @type {{ resendable?: boolean }} */ (error).resendable)) throw error;
		resent.count++;
		return send(base, method, path, options);
	}
}

/**
 * @param {string} base
 * @param {string} method
 * @param {string} path
 * @param {RequestOptions} options
 * @returns {Promise<Reply>}
 */
function send(base, method, path, options) {
	const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
	/** @type {Record<string, string>} */
	// As a phone's browser does, so the server pays for compressing what it sends.
	const headers = { 'accept-encoding': 'gzip, br', ...options.headers };
	if (body !== undefined) {
		headers['content-type'] = 'application/x-www-form-urlencoded';
		headers['content-length'] = String(Buffer.byteLength(body));
		headers.origin = base; // SvelteKit's CSRF check refuses cross-origin form posts
	}
	if (options.cookie) headers.cookie = options.cookie;
	const timeoutMs = options.timeoutMs ?? 30_000;

	return new Promise((resolve, reject) => {
		const tSent = performance.now();
		let answered = false;
		const req = http.request(
			new URL(path, base),
			{ method, headers, agent: options.agent ?? agent, timeout: timeoutMs },
			(res) => {
				answered = true;
				const tHeaders = performance.now();
				/** @type {Buffer[]} */
				const chunks = [];
				res.on('data', (chunk) => chunks.push(chunk));
				res.on('error', reject);
				res.on('end', () => {
					const tEnd = performance.now();
					try {
						resolve({
							status: res.statusCode ?? 0,
							headers: res.headers,
							body: decode(Buffer.concat(chunks), res.headers['content-encoding']).toString('utf8'),
							tSent,
							tHeaders,
							tEnd
						});
					} catch (error) {
						reject(error);
					}
				});
			}
		);
		req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
		req.on('error', (/** @type {NodeJS.ErrnoException} */ error) => {
			const reset = error.code === 'ECONNRESET' || error.code === 'EPIPE';
			reject(Object.assign(error, { resendable: reset && req.reusedSocket && !answered }));
		});
		req.end(body);
	});
}

/**
 * @param {Buffer} body
 * @param {string | undefined} encoding
 */
function decode(body, encoding) {
	if (encoding === 'gzip') return gunzipSync(body);
	if (encoding === 'br') return brotliDecompressSync(body);
	return body;
}

/**
 * `name=value` from a reply's Set-Cookie headers, ready for a Cookie header, or null.
 * @param {Reply} reply
 * @param {string} name
 */
export function cookieFrom(reply, name) {
	for (const header of reply.headers['set-cookie'] ?? []) {
		const pair = header.split(';', 1)[0] ?? '';
		if (pair.startsWith(`${name}=`) && pair.length > name.length + 1) return pair;
	}
	return null;
}

/**
 * Headers of a form post. `json` is what an enhanced form (`use:enhance`) sends: the answer is a
 * JSON action result, where a refusal still has status 200 and `type: "failure"`.
 * @param {'json' | 'html'} mode
 * @returns {Record<string, string>}
 */
export function formHeaders(mode) {
	return mode === 'json'
		? { accept: 'application/json', 'x-sveltekit-action': 'true' }
		: { accept: 'text/html' };
}

/**
 * Whether a form action succeeded, in either mode.
 * @param {Reply} reply
 * @param {'json' | 'html'} mode
 */
export function actionSucceeded(reply, mode) {
	if (reply.status !== 200) return false;
	if (mode === 'html') return true;
	try {
		return /** @type {{ type?: string }} */ (JSON.parse(reply.body)).type === 'success';
	} catch {
		return false;
	}
}
