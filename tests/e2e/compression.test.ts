// Pages go out compressed as the client accepts; live streams never (a compressor would hold events
// back until it had enough bytes). Over node:http, which neither asks for nor undoes any encoding on
// its own, so the test sees the bytes as a phone's browser receives them.
import http from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, LIVE_UPDATE_MS, startServer, type TestServer } from './server';

const CODE = 'DEMO42';

interface Raw {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: Buffer;
}

function get(server: TestServer, path: string, headers: Record<string, string>): Promise<Raw> {
	return new Promise((resolve, reject) => {
		http
			.get(new URL(path, server.url), { headers }, (res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () =>
					resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) })
				);
				res.on('error', reject);
			})
			.on('error', reject);
	});
}

async function post(server: TestServer, path: string, form: Record<string, string>, cookie = '') {
	const response = await fetch(`${server.url}${path}`, {
		method: 'POST',
		body: new URLSearchParams(form),
		redirect: 'manual',
		headers: { origin: server.url, cookie, 'x-sveltekit-action': 'true' }
	});
	await response.arrayBuffer();
	return response;
}

function cookieOf(response: Response): string {
	return (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

describe('compression', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startServer();
	});
	afterAll(async () => {
		await server?.stop();
	});

	it('serves pages gzip or brotli as the client accepts, and plain to a client that accepts neither', async () => {
		const gzip = await get(server, '/', { 'accept-encoding': 'gzip' });
		expect(gzip.status).toBe(200);
		expect(gzip.headers['content-encoding']).toBe('gzip');
		expect(gzip.headers.vary).toMatch(/accept-encoding/i);
		const html = gunzipSync(gzip.body).toString('utf8');
		expect(html).toMatch(/^<!doctype html>/i);
		expect(gzip.body.length).toBeLessThan(Buffer.byteLength(html));

		const brotli = await get(server, '/', { 'accept-encoding': 'br, gzip' });
		expect(brotli.headers['content-encoding']).toBe('br');
		expect(brotliDecompressSync(brotli.body).toString('utf8')).toMatch(/^<!doctype html>/i);

		const plain = await get(server, '/', {});
		expect(plain.headers['content-encoding']).toBeUndefined();
		expect(plain.body.toString('utf8')).toMatch(/^<!doctype html>/i);
	});

	it('sends a live stream uncompressed, each event as it happens', async () => {
		const phone = cookieOf(await post(server, `/j/${CODE}`, { display_name: 'Compressed Carla' }));
		const signedIn = await post(server, '/login', { email: 'demo@example.com', password: DEMO_PASSWORD });
		const session = cookieOf(signedIn);
		expect(phone).toMatch(/^cx_p_/);
		expect(session).toMatch(/^cx_session=/);

		const req = http.get(new URL(`/w/${CODE}/events`, server.url), {
			headers: { cookie: phone, accept: 'text/event-stream', 'accept-encoding': 'gzip, deflate, br' }
		});
		try {
			const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
				req.on('response', resolve).on('error', reject);
			});
			expect(res.statusCode).toBe(200);
			expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
			expect(res.headers['content-encoding']).toBeUndefined();
			res.setEncoding('utf8');
			let text = '';
			/** Resolves once the stream has carried `what` (the stream never ends by itself). */
			const carried = (what: RegExp) =>
				new Promise<void>((resolve, reject) => {
					const timer = setTimeout(() => reject(new Error(`no ${what} on the stream`)), LIVE_UPDATE_MS);
					const check = () => {
						if (!what.test(text)) return;
						clearTimeout(timer);
						res.off('data', onData);
						resolve();
					};
					const onData = (chunk: string) => {
						text += chunk;
						check();
					};
					res.on('data', onData);
					check();
				});
			await carried(/event: snapshot\n/);

			// One small event, sent while the stream stays open: a compressor would sit on it.
			const moved = await post(server, `/w/${CODE}/facilitate?/stage`, { stage: 'dream' }, session);
			expect(moved.status).toBe(200);
			await carried(/event: delta\ndata: .*"stage":"dream"/);
		} finally {
			req.destroy();
		}
	});
});
