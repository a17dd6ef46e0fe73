// Every form action, fuzzed over real HTTP against the built server: fields with the names each
// action reads and values from the nasty end (NUL bytes, lone surrogates, huge and negative numbers,
// impossible dates, very long text), then cut-off and hand-made bodies. Whatever arrives, the answer
// is a 2xx, 3xx or 4xx, never a 5xx, and the server stays up.
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, startServer, type TestServer } from './server';

const CODE = 'DEMO42';
const UUID = '0b8f6a52-6d0e-4b5e-9f41-3c1a9f2f7e11';

/** The fields each form action reads, by route and action name ('default' for a lone action). */
const ACTIONS: Record<string, Record<string, string[]>> = {
	'/': { join: ['code'] },
	'/j/[code]': { default: ['display_name', 'anonymous'] },
	'/login': { default: ['email', 'password'] },
	'/login/link': { default: ['email'] },
	'/signup': { default: ['display_name', 'email', 'password'] },
	'/logout': { default: [] },
	'/setup': { default: ['org_name', 'display_name', 'email', 'password'] },
	'/invite/[token]': { accept: [], create: ['display_name', 'email', 'password'] },
	'/org': {
		invite: ['role'],
		role: ['user_id', 'role'],
		remove: ['user_id'],
		reset: ['user_id'],
		revoke: ['invite_id'],
		locale: ['locale'],
		retention: ['days'],
		followUp: ['days']
	},
	'/actions': { update: ['id', 'status', 'note'], owner: ['id', 'owner'] },
	'/w/[code]/mine': { save: ['vision', 'commitment', 'consent'], link: [] },
	'/workshops': { delete: ['id'] },
	'/account': { password: ['current_password', 'password'], everywhere: [] },
	'/reset/[token]': { default: ['password'] },
	'/workshops/new': { default: ['title', 'team_name', 'prompt_explore', 'prompt_dream', 'prompt_grow'] },
	'/library/[id]': { feature: ['featured'] },
	'/w/[code]/(phone)': { mood: ['score', 'line', 'seq'], ready: ['stage', 'ready'] },
	'/w/[code]/(phone)/dream': {
		story: ['kind', 'perspective', 'title', 'body', 'feeling', 'company', 'tags', 'consent', 'key', 'id'],
		deleteStory: ['id'],
		react: ['id', 'reaction'],
		phrase: ['phrase'],
		ready: ['stage', 'ready']
	},
	'/w/[code]/(phone)/grow': {
		obstacle: ['text'],
		fromStory: ['story'],
		withdraw: ['id'],
		fix: ['id', 'fix'],
		vote: ['vote', 'choice', 'seq'],
		ready: ['stage', 'ready']
	},
	'/w/[code]/(phone)/excite': {
		propose: ['cry'],
		vote: ['vote', 'choice', 'seq'],
		amend: ['target', 'proposed'],
		check: ['version', 'stance', 'reason', 'seq'],
		ready: ['stage', 'ready']
	},
	'/w/[code]/facilitate': {
		stage: ['stage', 'carry'],
		wall: ['action'],
		prompt: ['stage', 'prompt'],
		timer: ['action', 'minutes'],
		lock: ['locked'],
		joining: ['closed'],
		personalVision: ['stage'],
		visionWall: ['shown'],
		hideVision: ['id', 'hidden'],
		remove: ['id', 'confirm'],
		hide: ['hidden'],
		end: ['confirm'],
		moderate: ['id', 'hidden'],
		spotlight: ['id'],
		spotlightNext: [],
		cry: ['id', 'hidden'],
		openVote: ['method', 'dots', 'stack'],
		obstacle: ['id', 'hidden'],
		merge: ['from', 'into'],
		openDots: ['dots', 'stack'],
		addAction: ['obstacle', 'title', 'owner', 'due'],
		storyOnBehalf: ['name', 'kind', 'title', 'body', 'consent'],
		ballotOnBehalf: ['name', 'vote', 'choice'],
		saveVision: ['body', 'base', 'merges'],
		amendment: ['id', 'decision'],
		removeAction: ['id'],
		closeVote: ['id'],
		reveal: ['id'],
		runoff: ['id'],
		breakTie: ['id', 'winner'],
		screen: ['link']
	}
};

/** Each route's actions as the app exports them, so a new action cannot escape the fuzzing. */
const routeModules = import.meta.glob<{ actions?: Record<string, unknown> }>(
	'/src/routes/**/+page.server.ts',
	{
		eager: true
	}
);

/** Where to post a route's action: its path with the demo's code, and `?/name` unless it is the default. */
function actionUrl(route: string, action: string): string {
	const path = route
		.replace('[code]', CODE)
		.replace('/(phone)', '')
		.replaceAll('[token]', 'f'.repeat(43))
		.replace('[id]', UUID);
	return action === 'default' ? path : `${path}?/${action}`;
}

// Values a form field may meet: the ones the app expects, the ones just past them, and garbage.
const NASTY = [
	'',
	' ',
	'0',
	'-1',
	'1',
	'2',
	'3',
	'5',
	'99999999999',
	'9007199254740993',
	'1e400',
	'-0',
	'NaN',
	'0.5',
	'0x10',
	'2024-02-29',
	'2024-02-30',
	'0000-01-01',
	'9999-12-31',
	'yes',
	'no',
	'on',
	'off',
	'single',
	'dot',
	'ranked',
	'good',
	'bad',
	'customer',
	'room',
	'library_named',
	'explore',
	'dream',
	'grow',
	'excite',
	'wrapup',
	'agree',
	'owner',
	'start',
	'next',
	'create',
	'heart:on',
	'en-GB',
	'demo@example.com',
	UUID,
	'00000000-0000-0000-0000-000000000000',
	'\u0000',
	'a\u0000b',
	'\uD800',
	'x'.repeat(5000),
	"'; drop table stories; --",
	'<script>alert(1)</script>',
	'%00',
	'../../etc/passwd'
];
const fieldValue = fc.oneof(
	{ weight: 3, arbitrary: fc.constantFrom(...NASTY) },
	{
		weight: 1,
		arbitrary: fc.oneof(
			fc.integer().map(String),
			fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
			fc.double().map(String)
		)
	},
	{ weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
	{ weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 300 }) }
);

// What each field holds when the form is filled in well; ids come from the pages the fuzzing reads.
const GOOD: Record<string, () => fc.Arbitrary<string>> = {
	code: () => fc.constant(CODE),
	email: () => fc.constant('demo@example.com'),
	password: () => fc.constant(DEMO_PASSWORD),
	role: () => fc.constantFrom('owner', 'facilitator', 'leader'),
	locale: () => fc.constantFrom('en-GB', 'en-US'),
	featured: () => fc.constantFrom('yes', 'no'),
	score: () => fc.integer({ min: 1, max: 5 }).map(String),
	seq: () => fc.integer({ min: 1, max: 2 ** 52 }).map(String),
	stage: () => fc.constantFrom('lobby', 'explore', 'dream', 'grow', 'excite', 'wrapup'),
	ready: () => fc.constantFrom('yes', 'no'),
	kind: () => fc.constantFrom('good', 'bad'),
	perspective: () => fc.constantFrom('customer', 'employee'),
	consent: () => fc.constantFrom('room', 'library_anonymous', 'library_named'),
	key: () => fc.uuid({ version: 4 }),
	reaction: () => fc.constantFrom('heart:on', 'heart:off', 'clap:on'),
	stance: () => fc.constantFrom('agree', 'abstain', 'disagree'),
	version: () => fc.integer({ min: 1, max: 3 }).map(String),
	base: () => fc.integer({ min: 0, max: 3 }).map(String),
	action: () => fc.constantFrom('start', 'add-minute', 'pause', 'resume', 'reset', 'next', 'previous'),
	minutes: () => fc.constantFrom('1', '5', '0.5'),
	method: () => fc.constantFrom('single', 'dot', 'ranked'),
	dots: () => fc.integer({ min: 1, max: 10 }).map(String),
	due: () => fc.constantFrom('', '2027-01-31', '2028-02-29'),
	decision: () => fc.constantFrom('accepted', 'declined'),
	link: () => fc.constantFrom('create', 'revoke'),
	tags: () => fc.constantFrom('', 'speed', 'speed, empathy')
};
const ID_FIELDS = new Set([
	'id',
	'user_id',
	'invite_id',
	'story',
	'vote',
	'choice',
	'from',
	'into',
	'winner',
	'obstacle',
	'merges'
]);
const knownIds = new Set<string>([UUID]);
const MISSING = '\u0000missing';
const ON_FIELDS = new Set(['anonymous', 'carry', 'stack', 'locked', 'hidden', 'closed']);

function goodValue(field: string): fc.Arbitrary<string> {
	if (GOOD[field]) return GOOD[field]();
	if (ID_FIELDS.has(field)) return fc.constantFrom(...knownIds);
	if (ON_FIELDS.has(field)) return fc.constantFrom('on', 'off');
	return fc.constantFrom('Words', 'A longer line of words', 'Ana');
}

/**
 * A form for `fields`: mostly filled in well, so the fuzzing gets past the first check, with some
 * fields nasty or missing, sometimes one sent twice or a stranger added, as URL-encoded or multipart.
 */
function formFor(fields: string[]) {
	const field = (name: string) =>
		fc.oneof(
			{ weight: 8, arbitrary: goodValue(name) },
			{ weight: 3, arbitrary: fieldValue },
			{ weight: 1, arbitrary: fc.constant(MISSING) }
		);
	return fc
		.tuple(
			fc.record(Object.fromEntries(fields.map((name) => [name, field(name)]))),
			fc.array(fc.tuple(fc.constantFrom(...fields, 'stranger'), fieldValue), { maxLength: 2 }),
			fc.nat(9),
			fc.boolean()
		)
		.map(([base, extra, chance, multipart]) => {
			const entries: [string, string][] = [
				...Object.entries(base).filter(([, value]) => value !== MISSING),
				...(chance === 0 ? extra : [])
			];
			if (!multipart) return new URLSearchParams(entries);
			const body = new FormData();
			for (const [name, value] of entries) body.append(name, value);
			return body;
		});
}

/** Learns the ids a page shows (stories, votes, options…), for the fuzzing to aim at. */
async function learnIds(path: string, cookie: string) {
	const page = await (await fetch(server.url + path, { headers: { cookie } })).text();
	for (const id of page.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? []) {
		knownIds.add(id);
	}
}

let server: TestServer;
let phone = '';
let member = '';

function post(path: string, body: BodyInit, cookie: string, headers: Record<string, string> = {}) {
	return fetch(server.url + path, {
		method: 'POST',
		body,
		redirect: 'manual',
		headers: { origin: server.url, accept: 'text/html', cookie, ...headers }
	});
}

const cookieOf = (response: Response) => response.headers.get('set-cookie')!.split(';')[0]!;

beforeAll(async () => {
	server = await startServer();
	const joined = await post(`/j/${CODE}`, new URLSearchParams({ display_name: 'Fuzz' }), '');
	phone = cookieOf(joined);
	const signedIn = await post(
		'/login',
		new URLSearchParams({ email: 'demo@example.com', password: DEMO_PASSWORD }),
		''
	);
	member = cookieOf(signedIn);
}, 120_000);
afterAll(() => server?.stop());

/** Fuzzes one route's actions with `runs` forms each, as whoever `cookie` is. */
async function fuzzRoute(route: string, cookie: string, runs: number, skip: string[] = []) {
	for (const [action, fields] of Object.entries(ACTIONS[route]!)) {
		if (skip.includes(action)) continue;
		await fc.assert(
			fc.asyncProperty(formFor(fields), async (body) => {
				const response = await post(actionUrl(route, action), body, cookie);
				await response.arrayBuffer();
				return response.status < 500;
			}),
			{ numRuns: runs, endOnFailure: true }
		);
	}
}

/** Moves the demo workshop to `stage` as its facilitator. */
async function moveTo(stage: string) {
	const response = await post(
		actionUrl('/w/[code]/facilitate', 'stage'),
		new URLSearchParams({ stage }),
		member
	);
	expect(response.status).toBeLessThan(400);
}

describe('fuzzing every form action', () => {
	it('the table names every action the app has', () => {
		const exported = Object.entries(routeModules)
			.filter(([, module]) => module.actions)
			.map(([file, module]) => [
				file.replace('/src/routes', '').replace('/+page.server.ts', '') || '/',
				Object.keys(module.actions!).sort()
			]);
		const listed = Object.entries(ACTIONS).map(([route, actions]) => [route, Object.keys(actions).sort()]);
		expect(Object.fromEntries(exported)).toEqual(Object.fromEntries(listed));
	});

	it.each(['explore', 'dream', 'grow', 'excite'])(
		"a phone's forms, with the workshop in %s, never get a 5xx",
		async (stage) => {
			await moveTo(stage);
			// A vote open on what the stage votes on, for the ballots to aim at.
			if (stage === 'grow')
				await post(actionUrl('/w/[code]/facilitate', 'openDots'), new URLSearchParams({ dots: '3' }), member);
			if (stage === 'excite')
				await post(
					actionUrl('/w/[code]/facilitate', 'openVote'),
					new URLSearchParams({ method: 'single' }),
					member
				);
			const route = stage === 'explore' ? '/w/[code]/(phone)' : `/w/[code]/(phone)/${stage}`;
			await learnIds(actionUrl(route, 'default'), phone);
			await learnIds(`/w/${CODE}/facilitate`, member);
			await fuzzRoute(route, phone, 40);
		},
		120_000
	);

	it("the facilitator's controls never get a 5xx", async () => {
		// Ending the workshop and locking it come last, so the rest meet a live, open room.
		await learnIds(`/w/${CODE}/facilitate`, member);
		await fuzzRoute('/w/[code]/facilitate', member, 30, ['end', 'lock', 'hide']);
		for (const action of ['hide', 'lock', 'end']) {
			await fc.assert(
				fc.asyncProperty(formFor(ACTIONS['/w/[code]/facilitate']![action]!), async (body) => {
					const response = await post(actionUrl('/w/[code]/facilitate', action), body, member);
					await response.arrayBuffer();
					return response.status < 500;
				}),
				{ numRuns: 20 }
			);
		}
	}, 180_000);

	it('the library and its exports answer any query string without a 5xx', async () => {
		const param = fc.constantFrom(
			'q',
			'kind',
			'perspective',
			'theme',
			'team',
			'workshop',
			'from',
			'to',
			'featured',
			'sort',
			'page'
		);
		await fc.assert(
			fc.asyncProperty(
				fc.constantFrom('/library', '/library/export.csv', '/library/export.md'),
				fc.array(fc.tuple(param, fieldValue), { maxLength: 6 }),
				async (path, query) => {
					const response = await fetch(`${server.url}${path}?${new URLSearchParams(query)}`, {
						headers: { cookie: member },
						redirect: 'manual'
					});
					await response.arrayBuffer();
					return response.status < 500;
				}
			),
			{ numRuns: 150 }
		);
	}, 120_000);

	it('accounts, organisation, workshop and library forms never get a 5xx', async () => {
		await learnIds('/org', member);
		await learnIds('/library', member);
		for (const route of [
			'/',
			'/j/[code]',
			'/setup',
			'/signup',
			'/login/link',
			'/invite/[token]',
			'/org',
			'/actions',
			'/reset/[token]',
			'/workshops/new',
			'/library/[id]'
		]) {
			await fuzzRoute(route, member, 15);
		}
		// As the demo's leader, who may delete nothing: fuzzing the owner's deletes could take the
		// demo workshop the phone tests use.
		const leader = cookieOf(
			await post('/login', new URLSearchParams({ email: 'leader@example.com', password: DEMO_PASSWORD }), '')
		);
		await learnIds('/workshops', member);
		await fuzzRoute('/workshops', leader, 15);
		// Last, as they end the member's sessions: a wrong current password and wrong sign-ins count
		// against this address, signing out (everywhere) ends the session the tests above use.
		await fuzzRoute('/account', member, 10);
		await fuzzRoute('/login', '', 15);
		await fuzzRoute('/logout', member, 3);
	}, 180_000);

	it('cut-off, hand-made and mislabelled bodies are answered 400, not 500', async () => {
		const boundary = '----cx';
		const multipart = (body: string) =>
			post(actionUrl('/w/[code]/(phone)', 'mood'), body, phone, {
				'content-type': `multipart/form-data; boundary=${boundary}`
			});
		const whole = `--${boundary}\r\nContent-Disposition: form-data; name="score"\r\n\r\n4\r\n--${boundary}--\r\n`;
		for (let cut = 1; cut < whole.length - 4; cut += 7) {
			const response = await multipart(whole.slice(0, cut));
			await response.arrayBuffer();
			expect(response.status, `cut at ${cut}`).toBeLessThan(500);
		}
		const noBoundary = await post(actionUrl('/w/[code]/(phone)', 'mood'), 'score=4', phone, {
			'content-type': 'multipart/form-data'
		});
		expect(noBoundary.status).toBe(400);
		const garbled = await multipart('\u0000\u00ff garbage');
		expect(garbled.status).toBe(400);
		expect(await garbled.text()).toContain('could not be read');
	});

	it('the server is still up and logged no 5xx', async () => {
		const health = await fetch(server.url + '/api/health');
		expect(health.status).toBe(200);
		expect(server.output()).not.toMatch(/\b500\b|Internal Error|TypeError|ReferenceError/);
	});
});
