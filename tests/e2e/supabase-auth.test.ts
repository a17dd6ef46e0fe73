// Members signing in with Supabase Auth, in real Chromium against the built server, with a stand-in
// for Supabase Auth on loopback (its e-mails land in a mailbox the tests open): the first owner
// signs up and sets up, an invitee signs up from the invite link, an OAuth provider, a sign-in link,
// and an account made with the app's own password joined to its Supabase user by a confirmed e-mail.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe';
import { browserSuite, findChromium } from './server';
import { startSupabaseStandIn, type SupabaseStandIn } from '../setup/supabaseStandIn';

const chromium = findChromium();
const OWNER = { name: 'Olu Adeyemi', email: 'olu@example.com', password: 'a long enough password' };

describe.skipIf(!chromium)('Supabase Auth in Chromium', () => {
	let auth: SupabaseStandIn;
	// Filled in before the server starts: the stand-in's address is known only once it listens. The
	// server sits behind a proxy that says which protocol the browser used (to test Secure cookies).
	const env: Record<string, string> = { PROTOCOL_HEADER: 'x-forwarded-proto' };
	const viaProxy = { extraHTTPHeaders: { 'x-forwarded-proto': 'http' } };
	beforeAll(async () => {
		auth = await startSupabaseStandIn();
		Object.assign(env, {
			PUBLIC_SUPABASE_URL: auth.url,
			PUBLIC_SUPABASE_PUBLISHABLE_KEY: auth.publishableKey,
			PUBLIC_SUPABASE_AUTH_PROVIDERS: 'github'
		});
	});
	const suite = browserSuite(chromium!, { env });
	afterAll(() => auth?.close());

	/** Posts a form as a browser behind the proxy would, without following the answer's redirect. */
	const postForm = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
		fetch(`${suite.server.url}${path}`, {
			method: 'POST',
			redirect: 'manual',
			headers: {
				origin: suite.server.url,
				accept: 'text/html',
				'content-type': 'application/x-www-form-urlencoded',
				...viaProxy.extraHTTPHeaders,
				...headers
			},
			body: new URLSearchParams(fields)
		});

	/** Opens the newest e-mail sent to `to`, as its reader would, and waits to land on `where`. */
	async function followMail(page: Page, to: string, where: string) {
		const mail = auth.mailbox.findLast((m) => m.to === to);
		expect(mail, `an e-mail to ${to}`).toBeDefined();
		await page.goto(mail!.link);
		await page.waitForURL(`**${where}`);
	}

	async function signUp(page: Page, person: { name: string; email: string; password: string }) {
		await page.getByLabel('Your name').fill(person.name);
		await page.getByLabel('E-mail').fill(person.email);
		await page.getByLabel('Password').fill(person.password);
		await page.getByRole('button', { name: 'Create account' }).click();
		await page.getByRole('status').getByText(`we sent a link to ${person.email}`).waitFor();
	}

	it('the first owner signs up, confirms their address from the e-mail, and sets up the organisation', async () => {
		const { page, context } = await suite.open(viaProxy);
		await page.goto('/setup');
		await page.getByRole('link', { name: 'create your account' }).click();
		await page.waitForURL((url) => url.pathname === '/signup' && url.searchParams.get('next') === '/setup');
		expect(await axeViolations(page)).toEqual([]);
		await signUp(page, OWNER);
		expect(auth.mailbox.filter((m) => m.to === OWNER.email)).toHaveLength(1);

		await followMail(page, OWNER.email, '/setup');
		expect(await page.getByLabel('Your name').inputValue()).toBe(OWNER.name);
		await page.getByLabel('Organisation name').fill('Riverside Care');
		await page.getByRole('button', { name: 'Create organisation' }).click();
		await page.waitForURL('**/org');
		await page.getByRole('heading', { name: 'Riverside Care' }).waitFor();

		// The session is Supabase's, in cookies only the server reads, not Secure over plain http.
		const session = (await context.cookies()).find((c) => /^sb-.*-auth-token/.test(c.name));
		expect(session).toMatchObject({ httpOnly: true, secure: false, sameSite: 'Lax' });
	});

	it('signing in sets the session in a no-store response, Secure only over https', async () => {
		const signIn = (headers: Record<string, string> = {}) =>
			postForm('/login?next=/org', { email: OWNER.email, password: OWNER.password }, headers);
		const overHttp = await signIn();
		expect(overHttp.status).toBe(303);
		expect(overHttp.headers.get('location')).toBe('/org');
		expect(overHttp.headers.get('cache-control')).toBe('no-store');
		const cookie = overHttp.headers.getSetCookie().find((c) => c.startsWith('sb-'));
		expect(cookie).toMatch(/HttpOnly/);
		expect(cookie).not.toMatch(/Secure/);

		const overHttps = await signIn({
			'x-forwarded-proto': 'https',
			origin: suite.server.url.replace('http:', 'https:')
		});
		expect(overHttps.headers.getSetCookie().find((c) => c.startsWith('sb-'))).toMatch(/Secure/);

		const wrong = await postForm('/login', { email: OWNER.email, password: 'not the password' });
		expect(wrong.status).toBe(400);
		expect(await wrong.text()).toContain('Invalid login credentials');
	});

	it('an invitee creates a Supabase account from the invite link, confirms it, and joins', async () => {
		const { page: owner } = await suite.open(viaProxy);
		await owner.goto('/login?next=/org');
		await owner.getByLabel('E-mail').fill(OWNER.email);
		await owner.getByLabel('Password').fill(OWNER.password);
		await owner.getByRole('button', { name: 'Sign in', exact: true }).click();
		await owner.waitForURL('**/org');
		await owner.getByLabel('Role', { exact: true }).selectOption('facilitator');
		await owner.getByRole('button', { name: 'Create invite link' }).click();
		const inviteUrl = await owner.getByLabel('Invite link').inputValue();

		const { page } = await suite.open(viaProxy);
		const invite = new URL(inviteUrl).pathname;
		await page.goto(invite);
		expect(await axeViolations(page)).toEqual([]);
		await page.getByRole('link', { name: 'Create your account' }).click();
		const tess = { name: 'Tess Morgan', email: 'tess@example.com', password: 'another long password' };
		await signUp(page, tess);
		await followMail(page, tess.email, invite);
		await page.getByRole('button', { name: 'Join Riverside Care' }).click();
		await page.waitForURL('**/org');

		await owner.reload();
		const row = owner.getByRole('row').filter({ hasText: tess.name });
		expect(await row.getByRole('combobox').inputValue()).toBe('facilitator');
	});

	it('a member signs in with an OAuth provider, and comes back to the page they asked for', async () => {
		auth.providerIdentity = { email: 'uma@example.com', name: 'Uma Patel', emailVerified: true };
		const { page } = await suite.open(viaProxy);
		await page.goto('/library');
		await page.waitForURL((url) => url.pathname === '/login');
		expect(await axeViolations(page)).toEqual([]);
		await page.getByRole('link', { name: 'Sign in with GitHub' }).click();
		await page.waitForURL('**/library');
		await page.getByRole('button', { name: 'Sign out Uma Patel' }).waitFor();
	});

	it('the demo owner, whose account has the app’s own password, signs in with a link, keeps their organisation and sets a Supabase password', async () => {
		const { page } = await suite.open(viaProxy);
		await page.goto('/login?next=/org');
		await page.getByRole('link', { name: 'E-mail me a sign-in link instead' }).click();
		expect(await axeViolations(page)).toEqual([]);
		await page.getByLabel('E-mail').fill('demo@example.com');
		await page.getByRole('button', { name: 'E-mail me a link' }).click();
		await page.getByRole('status').getByText('We sent a sign-in link to demo@example.com').waitFor();
		await followMail(page, 'demo@example.com', '/org');
		await page.getByRole('heading', { name: 'Harbour Telecom (demo)' }).waitFor();

		// Signed in by a link, they have no Supabase password yet: the account page sets one.
		await page.goto('/account');
		await page.getByLabel('New password', { exact: true }).fill('the demo owner’s new password');
		await page.getByRole('button', { name: 'Set password' }).click();
		await page.getByRole('status').getByText('Password set.').waitFor();
		await page
			.getByRole('button', { name: /^Sign out/ })
			.first()
			.click();
		await page.waitForURL((url) => url.pathname === '/');
		await page.goto('/login?next=/org');
		await page.getByLabel('E-mail').fill('demo@example.com');
		await page.getByLabel('Password').fill('the demo owner’s new password');
		await page.getByRole('button', { name: 'Sign in', exact: true }).click();
		await page.getByRole('heading', { name: 'Harbour Telecom (demo)' }).waitFor();
	});

	it('an OAuth sign-in whose e-mail an account here has, unconfirmed, is told how to join it and not signed in', async () => {
		auth.providerIdentity = { email: 'leader@example.com', name: 'Not proven', emailVerified: false };
		const { page, context } = await suite.open(viaProxy);
		await page.goto('/login?next=/library');
		await page.getByRole('link', { name: 'Sign in with GitHub' }).click();
		await page.waitForURL((url) => url.searchParams.get('problem') === 'email-unconfirmed');
		await page.getByRole('alert').getByText('Sign in with a link sent to that address instead').waitFor();
		expect((await context.cookies()).filter((c) => /^sb-.*-auth-token/.test(c.name))).toEqual([]);
		expect((await page.request.get('/library', { maxRedirects: 0 })).status()).toBe(303);
	});

	it('odd forms and made-up callbacks get a 4xx or a way back to sign-in, never a 5xx', async () => {
		const odd = ['', ' ', 'x'.repeat(5000), 'nul\u0000byte', '<script>alert(1)</script>', 'a@b', '☃@☃.☃'];
		const statuses: number[] = [];
		for (const value of odd) {
			for (const [path, names] of [
				['/signup', ['display_name', 'email', 'password']],
				['/login/link', ['email']],
				['/login', ['email', 'password']],
				['/setup', ['org_name', 'display_name']]
			] as const) {
				const response = await postForm(path, Object.fromEntries(names.map((name) => [name, value])));
				statuses.push(response.status);
				await response.arrayBuffer();
			}
			const query = new URLSearchParams({ code: value, token_hash: value, type: value, provider: value });
			for (const path of ['/auth/callback', '/auth/oauth']) {
				const response = await fetch(`${suite.server.url}${path}?${query}`, {
					redirect: 'manual',
					headers: viaProxy.extraHTTPHeaders
				});
				statuses.push(response.status);
				await response.arrayBuffer();
			}
		}
		expect(statuses.filter((status) => status >= 500)).toEqual([]);
	});

	it('a used sign-in link is refused with a clear message', async () => {
		const { page } = await suite.open(viaProxy);
		const used = auth.mailbox.find((m) => m.to === OWNER.email)!;
		await page.goto(used.link);
		await page.waitForURL((url) => url.searchParams.get('problem') === 'link');
		await page.getByRole('alert').getByText('That sign-in link did not work').waitFor();
	});
});
