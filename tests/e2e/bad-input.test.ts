// Every input from a phone or browser is untrusted: each endpoint answers a clear 4xx, never a 500.
// These go over real HTTP to the built server, because body limits, CSRF and form parsing live there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, startServer, type TestServer } from './server';

let server: TestServer;
beforeAll(async () => {
	server = await startServer();
}, 120_000);
afterAll(() => server?.stop());

/** A browser-like form post: same-origin, asking for HTML, not following redirects. */
function post(path: string, body: BodyInit, headers: Record<string, string> = {}) {
	return fetch(server.url + path, {
		method: 'POST',
		body,
		redirect: 'manual',
		headers: { origin: server.url, accept: 'text/html', ...headers }
	});
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields);

async function signInCookie(): Promise<string> {
	const response = await post('/login', form({ email: 'demo@example.com', password: DEMO_PASSWORD }));
	expect(response.status).toBe(303);
	return response.headers.get('set-cookie')!.split(';')[0]!;
}

describe('bad input gets a clear 4xx', () => {
	it('signs in with good input (the baseline the other cases differ from)', async () => {
		const response = await post('/login', form({ email: 'demo@example.com', password: DEMO_PASSWORD }));
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toBe('/workshops');
		expect(response.headers.get('set-cookie')).toMatch(/cx_session=[^;]+;.*HttpOnly/i);
		expect(response.headers.get('set-cookie')).toMatch(/SameSite=Lax/i);
		expect(response.headers.get('set-cookie')).not.toMatch(/Secure/i);
	});

	it.each([
		['a NUL byte', { display_name: 'Ana\u0000' }, 'cannot be stored'],
		['an over-long name', { display_name: 'x'.repeat(500) }, 'at most 40 characters'],
		['an unknown field', { display_name: 'Ana', participant_id: 'someone-else' }, 'Unexpected field']
	])('joining with %s is refused with a message', async (_case, fields, message) => {
		const response = await post('/j/DEMO42', form(fields));
		expect(response.status).toBe(400);
		expect(await response.text()).toContain(message);
	});

	it('a field sent twice is refused', async () => {
		const body = new URLSearchParams([
			['email', 'demo@example.com'],
			['email', 'other@example.com'],
			['password', 'x']
		]);
		const response = await post('/login', body);
		expect(response.status).toBe(400);
		expect(await response.text()).toContain('sent twice');
	});

	it('wrong types are refused: a file where text belongs', async () => {
		const body = new FormData();
		body.append('email', new Blob(['demo@example.com']), 'email.txt');
		body.append('password', 'x');
		const response = await post('/login', body);
		expect(response.status).toBe(400);
		expect(await response.text()).toContain('Files cannot be sent here');
	});

	it('an oversized body is refused before it is read', async () => {
		const response = await post('/login', form({ email: 'a@b.co', password: 'x'.repeat(1_000_000) }));
		expect(response.status).toBe(413);
	});

	it('JSON sent to a form action is refused', async () => {
		const response = await post('/login', JSON.stringify({ email: 'demo@example.com' }), {
			'content-type': 'application/json'
		});
		expect(response.status).toBeGreaterThanOrEqual(400);
		expect(response.status).toBeLessThan(500);
	});

	it('a cross-site form post is refused', async () => {
		const response = await post('/login', form({ email: 'demo@example.com', password: DEMO_PASSWORD }), {
			origin: 'http://evil.example'
		});
		expect(response.status).toBe(403);
	});

	it.each(['/j/%00%00%00%00%00%00', '/j/ABC', '/w/%F0%9F%92%A9', '/invite/not-a-token'])(
		'%s is a 404, not a crash',
		async (path) => {
			const response = await fetch(server.url + path, { redirect: 'manual' });
			expect(response.status).toBe(404);
		}
	);

	it('organisation actions validate their fields and refuse non-owners with a message', async () => {
		const cookie = await signInCookie();
		const badRole = await post('/org?/invite', form({ role: 'superuser' }), { cookie });
		expect(badRole.status).toBe(400);
		expect(await badRole.text()).toContain('Choose owner, facilitator or leader');
		const badId = await post('/org?/remove', form({ user_id: "1' or '1'='1" }), { cookie });
		expect(badId.status).toBe(400);

		const leader = await post('/login', form({ email: 'leader@example.com', password: DEMO_PASSWORD }));
		const leaderCookie = leader.headers.get('set-cookie')!.split(';')[0]!;
		const refused = await post('/org?/invite', form({ role: 'owner' }), { cookie: leaderCookie });
		expect(refused.status).toBe(403);
		expect(await refused.text()).toContain('Only owners invite people');
	});

	it("a phone's posts validate their fields beside the form, and a phone that has not joined is sent to join", async () => {
		const joined = await post('/j/DEMO42', form({ display_name: 'Eve' }));
		expect(joined.status).toBe(303);
		const cookie = joined.headers.get('set-cookie')!.split(';')[0]!;
		expect(cookie).toMatch(/^cx_p_DEMO42=/);

		const unknown = await post('/w/DEMO42?/ready', form({ stage: 'lobby', ready: 'yes', who: 'else' }), {
			cookie
		});
		expect(unknown.status).toBe(400);
		expect(await unknown.text()).toContain('Unexpected field');
		const badStage = await post('/w/DEMO42?/ready', form({ stage: 'nowhere', ready: 'yes' }), { cookie });
		expect(badStage.status).toBe(400);
		const ready = await post('/w/DEMO42?/ready', form({ stage: 'lobby', ready: 'yes' }), { cookie });
		expect(ready.status).toBe(200);
		expect(await ready.text()).toContain('Ready — tap to undo');

		const stranger = await post('/w/DEMO42?/ready', form({ stage: 'lobby', ready: 'yes' }));
		expect(stranger.status).toBe(303);
		expect(stranger.headers.get('location')).toBe('/j/DEMO42');
	});

	it('a forged or garbage session cookie is simply signed out', async () => {
		const response = await fetch(server.url + '/workshops', {
			redirect: 'manual',
			headers: { cookie: 'cx_session=%00%FF' + 'x'.repeat(3000) }
		});
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toBe('/login?next=%2Fworkshops');
	});

	it('sets security headers on pages', async () => {
		const response = await fetch(server.url + '/');
		expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
		expect(response.headers.get('x-content-type-options')).toBe('nosniff');
	});

	it('never answered a 500 during this file', () => {
		expect(server.output()).not.toMatch(/\b500\b|Internal Error|TypeError|ReferenceError/);
	});
});
