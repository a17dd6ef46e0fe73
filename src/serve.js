// Serves the built app (`npm start`). A thin wrapper over adapter-node's handler because a workshop
// runs on a laptop that phones reach over plain http on the venue Wi-Fi, at whatever address they
// use: adapter-node alone would assume https without ORIGIN, which breaks form posts and cookies.
// Here each request is stamped with its connection's real protocol, overwriting anything the
// client sent. Behind a reverse proxy, set ORIGIN or PROTOCOL_HEADER and this steps aside.
import http from 'node:http';

const PROTOCOL_HEADER = 'x-cx-connection-protocol';
const stamp = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
if (stamp) process.env.PROTOCOL_HEADER = PROTOCOL_HEADER;

// Importing the handler runs the app's init hook: database lock, migrations, demo data.
// (Imported by URL so the type checker does not wander into the build output.)
const handlerUrl = new URL('../build/handler.js', import.meta.url).href;
const { handler } = await import(handlerUrl);

const server = http.createServer((req, res) => {
	if (stamp) req.headers[PROTOCOL_HEADER] = 'http';
	handler(req, res);
});

const host = process.env.HOST || '0.0.0.0';
const port = Number(process.env.PORT || 3000);
server.listen(port, host, () => console.log(`Listening on http://${host}:${port}`));

let stopping = false;
/** @param {NodeJS.Signals} signal */
function shutdown(signal) {
	if (stopping) return;
	stopping = true;
	console.log(`\n${signal}: closing connections and the database…`);
	// adapter-node's own entry emits this event too; the app closes its database on it.
	server.close(() => process.emit(/** @type {never} */ ('sveltekit:shutdown'), signal));
	server.closeIdleConnections();
	// Live streams never go idle; give them a moment, then end them.
	setTimeout(() => server.closeAllConnections(), 2000).unref();
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
