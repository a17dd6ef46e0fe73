// Serves the built app (`npm start`). A thin wrapper over adapter-node's handler because a workshop
// runs on a laptop that phones reach over plain http on the venue Wi-Fi, at whatever address they
// use: adapter-node alone would assume https without ORIGIN, which breaks form posts and cookies.
// Here each request is stamped with its connection's real protocol, overwriting anything the
// client sent. Behind a reverse proxy, set ORIGIN or PROTOCOL_HEADER and this steps aside.
import http from 'node:http';
import zlib from 'node:zlib';
import compression from 'compression';

const PROTOCOL_HEADER = 'x-cx-connection-protocol';
const stamp = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
if (stamp) process.env.PROTOCOL_HEADER = PROTOCOL_HEADER;

// Importing the handler runs the app's init hook: database lock, migrations, demo data.
// (Imported by URL so the type checker does not wander into the build output.)
const handlerUrl = new URL('../build/handler.js', import.meta.url).href;
const { handler } = await import(handlerUrl);

// Pages, page data, form answers, JSON and exports go out gzip or brotli, as the client accepts (a
// phone on venue Wi-Fi waits for bytes). Live streams never: a compressor holds what it is given until
// it has enough, and an event must leave at once. Each write is flushed, so SvelteKit's streamed
// promises still arrive as they resolve. Static files come precompressed (adapter-node's precompress).
const compress = compression({
	filter: (req, res) =>
		!String(res.getHeader('content-type') ?? '').startsWith('text/event-stream') &&
		compression.filter(req, res),
	flush: zlib.constants.Z_SYNC_FLUSH,
	brotli: { flush: zlib.constants.BROTLI_OPERATION_FLUSH }
});

/** Requests being answered (live streams included), so a shutdown can wait for them. */
let answering = 0;
let draining = false;
/** @type {() => void} */
let onIdle = () => {};

const server = http.createServer((req, res) => {
	if (draining) {
		// Load balancers stop sending here; a person asking sees why.
		if (req.url === '/api/health') {
			res.writeHead(503, { 'content-type': 'application/json', connection: 'close', 'retry-after': '2' });
			res.end(JSON.stringify({ ok: false, draining: true }));
			return;
		}
		// A live stream reconnecting on a keep-alive connection after the signal: a browser's
		// EventSource gives up for good on a 503, but retries after a network error.
		if (req.headers.accept?.includes('text/event-stream')) return void req.socket.destroy();
		// Sent on a keep-alive connection after the signal: the client retries elsewhere, or here once back.
		res.writeHead(503, { 'content-type': 'text/plain', connection: 'close', 'retry-after': '2' });
		res.end('The server is restarting. Try again in a moment.');
		return;
	}
	answering++;
	res.once('close', () => {
		answering--;
		if (answering === 0) onIdle();
	});
	if (stamp) req.headers[PROTOCOL_HEADER] = 'http';
	// compression is typed for Express; it only uses what node:http's request and response have.
	compress(/** @type {never} */ (req), /** @type {never} */ (res), () => handler(req, res));
});

const host = process.env.HOST || '0.0.0.0';
const port = Number(process.env.PORT || 3000);
server.listen(port, host, () => console.log(`Listening on http://${host}:${port}`));

/** The whole shutdown gets this long; past it something is stuck, and the process exits anyway. */
const SHUTDOWN_MS = 5000;
/** Requests still running this long after the signal are cut off, so the database can close. */
const DRAIN_MS = 3000;

/**
 * Stops taking requests, ends the live streams, lets the requests in flight finish (up to
 * DRAIN_MS), then has the app close the database and exits.
 * @param {NodeJS.Signals} signal
 */
function shutdown(signal) {
	if (draining) return;
	draining = true;
	console.log(`\n${signal}: ending live streams, finishing requests, closing the database…`);
	setTimeout(() => {
		console.error(`Shutdown took over ${SHUTDOWN_MS / 1000} s: forcing the exit.`);
		process.exit(1);
	}, SHUTDOWN_MS).unref();
	process.once('cx:closed', () => process.exit(0));
	server.close();
	server.closeIdleConnections();
	process.emit('cx:drain');
	let closing = false;
	const drained = () => {
		if (closing) return;
		closing = true;
		clearTimeout(cutOff);
		server.closeAllConnections();
		// adapter-node's own entry emits this event too; the app closes its database on it.
		process.emit(/** @type {never} */ ('sveltekit:shutdown'), signal);
	};
	const cutOff = setTimeout(drained, DRAIN_MS);
	if (answering === 0) drained();
	else onIdle = drained;
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
