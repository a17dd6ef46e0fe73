// Stories and the library over real HTTP against the built server: a phone's post is validated and
// stored once, a hostile story is served only as sanitised HTML, and the library, its story pages
// and its exports answer members of the organisation only.
import { isTag, isText, type ChildNode } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, startServer, type TestServer } from './server';

let server: TestServer;
beforeAll(async () => {
	server = await startServer();
}, 120_000);
afterAll(() => server?.stop());

function request(path: string, cookie: string, init: RequestInit = {}) {
	return fetch(server.url + path, {
		redirect: 'manual',
		...init,
		headers: { origin: server.url, accept: 'text/html', cookie, ...init.headers }
	});
}

const post = (path: string, cookie: string, fields: Record<string, string>) =>
	request(path, cookie, { method: 'POST', body: new URLSearchParams(fields) });

async function signIn(email: string): Promise<string> {
	const response = await post('/login', '', { email, password: DEMO_PASSWORD });
	expect(response.status).toBe(303);
	return response.headers.get('set-cookie')!.split(';')[0]!;
}

async function joinAs(name: string): Promise<string> {
	const response = await post('/j/DEMO42', '', { display_name: name });
	expect(response.status).toBe(303);
	return response.headers.get('set-cookie')!.split(';')[0]!;
}

const HOSTILE = {
	kind: 'bad',
	perspective: 'customer',
	title: '<img src=x onerror=alert(1)> Hold music',
	body: 'Forty minutes of hold music.<script>alert(1)</script> [call us](javascript:alert(2)) <a href="x" onclick="alert(3)">x</a>',
	feeling: '=HYPERLINK("http://evil")',
	consent: 'library_anonymous',
	'theme-speed': 'on',
	tags: 'waiting'
};

/**
 * What in a page could run, found with a real HTML parser: event-handler attributes, javascript:
 * links, and any script beyond SvelteKit's one bootstrap script (none where the page needs no
 * JavaScript), whose data must hold no raw markup
 * (user text in it is escaped, so it cannot close the script). Escaped text is harmless.
 */
function executable(html: string): string[] {
	const found: string[] = [];
	let scripts = 0;
	const walk = (nodes: ChildNode[]) => {
		for (const node of nodes) {
			if (!isTag(node)) continue;
			for (const [name, value] of Object.entries(node.attribs)) {
				if (/^on/i.test(name)) found.push(`<${node.name} ${name}>`);
				if (/^\s*javascript:/i.test(value)) found.push(`<${node.name} ${name}="${value}">`);
			}
			if (node.name === 'script') {
				scripts++;
				const text = node.children.map((child) => (isText(child) ? child.data : '')).join('');
				if (/<[a-z!/]/i.test(text)) found.push('raw markup inside a script');
			}
			walk(node.children);
		}
	};
	walk(parseDocument(html).children);
	if (scripts > 1) found.push(`${scripts} scripts`);
	return found;
}

describe('stories and the library over HTTP', () => {
	let facilitator: string;
	let phone: string;

	it('a phone posts a story in Dream; the same post resent is stored once', async () => {
		facilitator = await signIn('demo@example.com');
		expect((await post('/w/DEMO42/facilitate?/stage', facilitator, { stage: 'dream' })).status).toBe(200);
		phone = await joinAs('Casey');
		// Dream has a page of its own: a phone without JavaScript is sent there when it reloads.
		const main = await request('/w/DEMO42', phone);
		expect([main.status, main.headers.get('location')]).toEqual([303, '/w/DEMO42/dream']);
		const fields = { ...HOSTILE, key: randomUUID() };
		for (let attempt = 0; attempt < 3; attempt++) {
			const response = await post('/w/DEMO42/dream?/story', phone, fields);
			expect(response.status).toBe(200);
		}
		const page = await (await request('/w/DEMO42/dream', phone)).text();
		expect(page.match(/Hold music/g)?.length).toBeGreaterThan(0);
		expect(page).toContain('Your stories (1)');
	});

	it.each([
		['no title', { title: '' }, 'The title is required'],
		['an over-long story', { body: 'x'.repeat(4001) }, 'at most 4000 characters'],
		['an unknown kind', { kind: 'meh' }, 'good or bad'],
		['an unknown consent', { consent: 'everyone' }, 'who may see your story'],
		['a forged idempotency key', { key: 'not-a-uuid' }, 'out of date'],
		['an unknown field', { author_name: 'The CEO' }, 'Unexpected field'],
		['too many tags', { tags: Array.from({ length: 13 }, (_, i) => `tag${i}`).join(',') }, 'at most 12']
	])('a story with %s is refused with a message, keeping what was typed', async (_case, change, message) => {
		const response = await post('/w/DEMO42/dream?/story', phone, {
			...HOSTILE,
			key: randomUUID(),
			...change
		});
		expect(response.status).toBe(400);
		const html = await response.text();
		expect(html).toContain(message);
		expect(html).toContain('value="=HYPERLINK(&quot;http://evil&quot;)"');
	});

	it('the screen and the phones get the hostile story only as sanitised HTML', async () => {
		const screen = await (await request('/w/DEMO42/screen', facilitator)).text();
		expect(screen).toContain('Forty minutes of hold music.');
		for (const html of [screen, await (await request('/w/DEMO42/dream', await joinAs('Dee'))).text()]) {
			expect(executable(html)).toEqual([]);
		}
	});

	it('after the end, a leader searches the library, opens the story and exports the selection', async () => {
		const ended = await post('/w/DEMO42/facilitate?/end', facilitator, { confirm: 'yes' });
		expect(ended.status).toBe(200);
		const dream = await request('/w/DEMO42/dream', phone);
		expect([dream.status, dream.headers.get('location')]).toEqual([303, '/w/DEMO42']);
		const leader = await signIn('leader@example.com');

		const results = await request('/library?q=hold+music&kind=bad', leader);
		expect(results.status).toBe(200);
		const html = await results.text();
		expect(html).toContain('<mark>hold</mark> <mark>music</mark>');
		expect(executable(html)).toEqual([]);
		const id = /href="\/library\/([0-9a-f-]{36})\?q=hold\+music&amp;kind=bad"/.exec(html)?.[1];
		expect(id).toBeDefined();

		const story = await request(`/library/${id}`, leader);
		expect(story.status).toBe(200);
		const page = await story.text();
		expect(page).toContain('Told by Anonymous');
		expect(page).not.toContain('Casey');

		const csv = await request('/library/export.csv?q=hold+music', leader);
		expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="story-library-.*\.csv"$/);
		const lines = (await csv.text()).split('\r\n');
		expect(lines[0]).toContain('"title","kind"');
		expect(lines).toHaveLength(3); // header, one story, the final newline
		expect(lines[1]).toContain('"Anonymous"');
		expect(lines[1]).toContain('"speed; waiting"');
		// A cell that a spreadsheet would run as a formula is defused.
		expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil"")"`);

		const markdown = await request('/library/export.md?kind=bad', leader);
		expect(markdown.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
		const text = await markdown.text();
		expect(text).toMatch(/^# Story library\n\nStories matching kind “bad”: \d+ stories\./);
		expect(text).toContain('told by Anonymous');
	});

	it('is for members only: signed-out visitors sign in, phones and strangers get nothing', async () => {
		const signedOut = await request('/library?q=refund', '');
		expect(signedOut.status).toBe(303);
		expect(signedOut.headers.get('location')).toBe('/login?next=%2Flibrary%3Fq%3Drefund');
		expect((await request('/library/export.csv', '')).status).toBe(303);
		expect((await request(`/library/${randomUUID()}`, await signIn('leader@example.com'))).status).toBe(404);
		expect((await request('/library/not-an-id', await signIn('leader@example.com'))).status).toBe(404);
		expect((await request('/library', phone)).status).toBe(303);
	});
});
