// Accounts over real HTTP to the built server: the headers that keep a member's pages out of caches
// and pin HTTPS, a made-up invite link that tells nothing, and a request without the proxy's
// address header refused with a 400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, startServer, type TestServer } from './server';

/** A browser-like request: same-origin, asking for HTML, not following redirects. */
function request(
	server: TestServer,
	path: string,
	init: RequestInit & { headers?: Record<string, string> } = {}
) {
	return fetch(server.url + path, {
		redirect: 'manual',
		...init,
		headers: { origin: server.url, accept: 'text/html', ...init.headers }
	});
}
const form = (fields: Record<string, string>) => new URLSearchParams(fields);

describe('over plain http (the venue Wi-Fi)', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startServer();
	}, 120_000);
	afterAll(() => server?.stop());

	it('lets a signed-out page be cached and never sends HSTS', async () => {
		const response = await request(server, '/');
		expect(response.status).toBe(200);
		expect(response.headers.get('cache-control') ?? '').not.toContain('no-store');
		expect(response.headers.get('strict-transport-security')).toBeNull();
	});

	it('marks the sign-in that sets the cookie, and every member page, no-store', async () => {
		const signIn = await request(server, '/login', {
			method: 'POST',
			body: form({ email: 'demo@example.com', password: DEMO_PASSWORD })
		});
		expect(signIn.status).toBe(303);
		expect(signIn.headers.get('cache-control')).toBe('no-store');
		const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
		for (const path of ['/workshops', '/account', '/']) {
			const page = await request(server, path, { headers: { cookie } });
			expect(page.status, path).toBe(200);
			expect(page.headers.get('cache-control'), path).toBe('no-store');
		}
	});

	it('answers a made-up invite link the same whatever the e-mail, creating nothing', async () => {
		const answers = [];
		for (const email of ['demo@example.com', 'someone-new@example.com']) {
			const response = await request(server, '/invite/made-up-token?/create', {
				method: 'POST',
				body: form({ display_name: 'Eve', email, password: 'a long enough password' })
			});
			// The page's own load answers first: the link is unknown (each page has its own CSP nonce).
			const body = (await response.text()).replace(/nonce="[^"]*"/g, '');
			answers.push({ status: response.status, body });
		}
		expect(answers[0]!.status).toBe(404);
		expect(answers[0]!.body).toContain('This invite link has been used');
		expect(answers[1]).toEqual(answers[0]);
		const signIn = await request(server, '/login', {
			method: 'POST',
			body: form({ email: 'someone-new@example.com', password: 'a long enough password' })
		});
		expect(signIn.status).toBe(400);
	});
});

describe('behind an HTTPS proxy', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startServer({
			env: { PROTOCOL_HEADER: 'x-forwarded-proto', ADDRESS_HEADER: 'x-real-ip' }
		});
	}, 120_000);
	afterAll(() => server?.stop());
	const proxied = { 'x-forwarded-proto': 'https', 'x-real-ip': '203.0.113.7' };

	it('sends HSTS on pages served over https', async () => {
		const response = await request(server, '/', { headers: proxied });
		expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
	});

	it('refuses a sign-in that lacks the address header with a 400, not a 500', async () => {
		const { 'x-real-ip': _address, ...withoutAddress } = proxied;
		const response = await fetch(server.url + '/login', {
			method: 'POST',
			redirect: 'manual',
			body: form({ email: 'demo@example.com', password: 'wrong password' }),
			headers: { ...withoutAddress, origin: server.url.replace('http:', 'https:'), accept: 'text/html' }
		});
		expect(response.status).toBe(400);
		expect(await response.text()).toContain('did not say which address');
	});
});
