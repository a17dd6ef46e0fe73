// The member pages in real Chromium, checked with axe (WCAG 2.0–2.2, A and AA): home, sign-in, the
// workshops, a new workshop, the organisation, the library (search and a story) and a charter. The
// organisation's locale, chosen by its owner, then dates the workshops and the charter its way. An
// owner's password link, the page it opens and the member's account page are checked on the way.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations } from './axe';
import { browserSuite, findChromium, signIn } from './server';

const chromium = findChromium();
const FINISHED = 'KCK7QP'; // the demo's ended workshop, with a charter and library stories

describe.skipIf(!chromium)('member pages are accessible', () => {
	const suite = browserSuite(chromium!);
	let owner: Page;

	it('the check itself finds what fails: text too faint to read', async () => {
		const { page } = await suite.open();
		await page.goto('/');
		await page.evaluate(() => {
			const faint = document.createElement('p');
			faint.textContent = 'Faint words';
			faint.style.cssText = 'color: #bbb; background: #fff';
			document.body.append(faint);
		});
		expect(await axeViolations(page)).toEqual([expect.stringMatching(/^color-contrast: /)]);
	});

	it('home and sign-in, before signing in', async () => {
		const { page } = await suite.open();
		await page.goto('/');
		expect(await axeViolations(page)).toEqual([]);
		await page.goto('/login');
		expect(await axeViolations(page)).toEqual([]);
	});

	it('the workshops, a new workshop and the organisation, as the owner', async () => {
		owner = (await suite.open({ viewport: { width: 1280, height: 900 } })).page;
		await signIn(owner, 'demo@example.com', '/workshops');
		expect(await axeViolations(owner)).toEqual([]);
		await owner.goto('/workshops/new');
		expect(await axeViolations(owner)).toEqual([]);
		await owner.goto('/org');
		expect(await axeViolations(owner)).toEqual([]);
	});

	it('the library: a search, its results and a story', async () => {
		await owner.goto('/library?q=refund');
		await owner.getByRole('heading', { level: 1 }).waitFor();
		expect(await axeViolations(owner)).toEqual([]);
		await owner.getByRole('article').first().getByRole('link').click();
		await owner.waitForURL(/\/library\/[0-9a-f-]{36}/);
		expect(await axeViolations(owner)).toEqual([]);
	});

	it('a charter, on screen and as printed', async () => {
		await owner.goto(`/w/${FINISHED}/charter`);
		expect(await axeViolations(owner)).toEqual([]);
		await owner.emulateMedia({ media: 'print' });
		expect(await axeViolations(owner)).toEqual([]);
		await owner.emulateMedia({ media: 'screen' });
	});

	it('the owner sets the organisation’s locale; dates follow it', async () => {
		await owner.goto(`/w/${FINISHED}/charter`);
		const britishDate = await owner.locator('main header .hint').first().textContent();
		expect(britishDate).toMatch(/\d{1,2} [A-Z][a-z]+ \d{4}/); // "4 March 2026"

		await owner.goto('/org');
		await owner.getByLabel('Show dates in').selectOption('en-US');
		await owner.getByRole('region', { name: 'Dates' }).getByRole('button', { name: 'Save' }).click();
		await owner.getByText('Dates now read in English (United States).').waitFor();
		await owner.goto(`/w/${FINISHED}/charter`);
		expect(await owner.locator('main header .hint').first().textContent()).toMatch(
			/[A-Z][a-z]+ \d{1,2}, \d{4}/
		); // "March 4, 2026"
	});

	it('a password link: the owner makes it, the member sets a password, then their account page', async () => {
		await owner.goto('/org');
		await owner.getByRole('button', { name: 'Password link for Lee Leader' }).click();
		const link = owner.getByRole('textbox', { name: 'Password link' });
		await link.waitFor();
		expect(await axeViolations(owner)).toEqual([]);
		const url = new URL(await link.inputValue());

		const { page: leader } = await suite.open();
		await leader.goto(url.pathname);
		expect(await axeViolations(leader)).toEqual([]);
		await leader.getByLabel('New password').fill('short');
		// The browser's own check is not what is under test: the server's message is.
		await leader.locator('form').evaluate((form: HTMLFormElement) => (form.noValidate = true));
		await leader.getByRole('button', { name: 'Set password and sign in' }).click();
		await expect
			.poll(() => leader.getByLabel('New password').getAttribute('aria-describedby'))
			.toMatch(/-error/);
		expect(await axeViolations(leader)).toEqual([]);
		await leader.getByLabel('New password').fill('a new password for Lee');
		await leader.getByRole('button', { name: 'Set password and sign in' }).click();
		await leader.waitForURL('**/account');
		expect(await axeViolations(leader)).toEqual([]);
		// The link was single use.
		expect((await leader.goto(url.pathname))?.status()).toBe(404);
	});
});
