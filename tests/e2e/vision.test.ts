// The vision statement's results stay true, in real Chromium: an accepted amendment is what the draft
// box then holds, a save from an older version is refused with the difference and nothing typed is
// lost, and a new version asks the phones for a new closing check.
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations } from './axe';
import { browserSuite, clickControl, findChromium, LIVE_UPDATE_MS, PHONE, signIn } from './server';

const chromium = findChromium();

describe.skipIf(!chromium)('the vision statement in Chromium', () => {
	const suite = browserSuite(chromium!);
	let panel: Page;
	let phone: Page;
	const vision = (page: Page) => page.getByRole('region', { name: 'Vision statement' });
	const draftBox = (page: Page): Locator => page.getByLabel(/^Draft/);
	/** Clicks a button of the vision panel and waits for the server's answer (its status). */
	const press = async (page: Page, name: string | RegExp) => {
		const answered = page.waitForResponse(
			(r) => r.request().method() === 'POST' && r.url().includes('/facilitate')
		);
		await vision(page).getByRole('button', { name }).click();
		return answered;
	};

	it('the facilitator saves a first draft in Excite; a phone reads it', async () => {
		const desk = await suite.open({ viewport: { width: 1280, height: 900 } });
		panel = desk.page;
		await signIn(panel, 'demo@example.com', '/w/DEMO42/facilitate');
		await clickControl(panel, 'Excite');
		phone = (await suite.open(PHONE)).page;
		await phone.goto('/j/DEMO42');
		await phone.getByLabel('Your name').fill('Ana');
		await phone.getByRole('button', { name: 'Join' }).click();
		await phone.waitForURL('**/w/DEMO42/excite');

		await draftBox(panel).fill('Every customer feels heard.');
		await press(panel, 'Save as version 1');
		await phone.getByRole('heading', { name: 'Our vision (draft 1)' }).waitFor({ timeout: LIVE_UPDATE_MS });
	});

	it('an accepted amendment is what the draft box holds, and saving it keeps the accepted wording', async () => {
		await phone.getByText('Propose a change').click();
		await phone.getByLabel(/Words to change/).fill('heard');
		await phone.getByLabel('Your wording').fill('heard and helped');
		await phone.getByRole('button', { name: 'Propose this change' }).click();
		await phone.getByText('Sent to the facilitator').waitFor();
		await vision(panel).getByText('“heard” → “heard and helped”').waitFor({ timeout: LIVE_UPDATE_MS });
		await press(panel, 'Accept');

		await panel.getByLabel('Draft (version 2)').waitFor({ timeout: LIVE_UPDATE_MS });
		await expect.poll(() => draftBox(panel).inputValue()).toBe('Every customer feels heard and helped.');
		// Focus moved to the box that now holds the accepted wording, not to the top of the page.
		await expect.poll(() => draftBox(panel).evaluate((box) => box === document.activeElement)).toBe(true);
		await draftBox(panel).press('End');
		await draftBox(panel).pressSequentially(' Every time.');
		expect(await press(panel, 'Save as version 3').then((r) => r.status())).toBe(200);
		await phone.getByRole('heading', { name: 'Our vision (draft 3)' }).waitFor({ timeout: LIVE_UPDATE_MS });
		expect(await phone.locator('blockquote').textContent()).toContain(
			'Every customer feels heard and helped. Every time.'
		);
	});

	it('a save from an older version (a second tab saved meanwhile) is refused with the difference; nothing typed is lost', async () => {
		// This tab hears nothing live, so it cannot know of the other tab's save before it saves.
		const deaf = await panel.context().newPage();
		await deaf.route(
			(url) => url.pathname.endsWith('/events'),
			(route) => route.abort()
		);
		await deaf.goto('/w/DEMO42/facilitate');
		await deaf.getByLabel('Draft (version 3)').waitFor();

		await draftBox(panel).fill('Every customer feels heard and helped, first time.');
		await press(panel, 'Save as version 4');
		await phone.getByRole('heading', { name: 'Our vision (draft 4)' }).waitFor({ timeout: LIVE_UPDATE_MS });

		const mine = 'Every customer is heard and helped. Every time.';
		await draftBox(deaf).fill(mine);
		expect((await press(deaf, 'Save as version 4')).status()).not.toBe(500);
		const refusal = vision(deaf).getByRole('alert');
		await refusal.getByText(/Not saved: version 4 was saved after you started from version 3/).waitFor();
		expect(await draftBox(deaf).inputValue()).toBe(mine);
		// The difference from version 4 to what was typed: removed words struck through, added underlined.
		const changed = vision(deaf).getByRole('group', { name: /Version 4 was saved while you were writing/ });
		expect(await changed.locator('del').allTextContents()).toContain('feels');
		expect(await changed.locator('ins').allTextContents()).toContain('is');
		expect(await axeViolations(deaf)).toEqual([]);

		await press(deaf, 'Save mine on top of version 4');
		await phone.getByRole('heading', { name: 'Our vision (draft 5)' }).waitFor({ timeout: LIVE_UPDATE_MS });
		expect(await phone.locator('blockquote').textContent()).toContain(mine);
		await deaf.close();
	});

	it('a version arriving while the facilitator types is shown beside their words, never over them', async () => {
		const other = await panel.context().newPage();
		await other.goto('/w/DEMO42/facilitate');
		await panel.getByLabel('Draft (version 5)').waitFor({ timeout: LIVE_UPDATE_MS });

		const typing = 'Every customer is heard, helped and thanked.';
		await draftBox(panel).fill(typing);
		await draftBox(other).fill('Every customer is heard and helped, every time.');
		await press(other, 'Save as version 6');

		const changed = vision(panel).getByRole('group', { name: /Version 6 was saved while you were writing/ });
		await changed.waitFor({ timeout: LIVE_UPDATE_MS });
		expect(await draftBox(panel).inputValue()).toBe(typing);
		expect(
			await vision(panel)
				.getByRole('button', { name: /^Save as version/ })
				.count()
		).toBe(0);

		await vision(panel).getByRole('button', { name: 'Take the latest version' }).click();
		expect(await draftBox(panel).inputValue()).toBe('Every customer is heard and helped, every time.');
		await panel.getByLabel('Draft (version 6)').waitFor();
		await other.close();
	});

	it('a new version asks the phones for a new closing check; earlier answers are shown as such', async () => {
		await phone.getByRole('heading', { name: 'Our vision (draft 6)' }).waitFor({ timeout: LIVE_UPDATE_MS });
		await phone.getByLabel('👍 I agree').check();
		await phone.getByRole('button', { name: 'Send' }).click();
		await phone.getByText('Your answer to version 6 is in').waitFor();
		await vision(panel)
			.getByText(/Closing check on version 6:\s*1\s*agree/)
			.waitFor({ timeout: LIVE_UPDATE_MS });

		// A second phone that hears nothing live still shows version 6 when version 7 is saved.
		const late = (await suite.open(PHONE)).page;
		await late.route(
			(url) => url.pathname.endsWith('/events'),
			(route) => route.abort()
		);
		await late.goto('/j/DEMO42');
		await late.getByLabel('Your name').fill('Ben');
		await late.getByRole('button', { name: 'Join' }).click();
		await late.getByRole('heading', { name: 'Our vision (draft 6)' }).waitFor();

		await draftBox(panel).fill('Every customer is heard and helped, every single time.');
		await press(panel, 'Save as version 7');

		await phone.getByRole('heading', { name: 'Our vision (draft 7)' }).waitFor({ timeout: LIVE_UPDATE_MS });
		await phone.getByText('The draft has changed since you answered version 6 (👍 agree)').waitFor();
		await phone.getByRole('button', { name: 'Send' }).waitFor();
		await vision(panel)
			.getByText(/Closing check on version 7:\s*0\s*agree/)
			.waitFor({ timeout: LIVE_UPDATE_MS });
		await vision(panel)
			.getByRole('list', { name: 'Answers to earlier versions' })
			.getByText('version 6: 1 agree · 0 abstain · 0 disagree')
			.waitFor();
		expect(await vision(panel).getByLabel('Compare version 7 with').inputValue()).toBe('6');
		expect(await axeViolations(phone)).toEqual([]);

		// The answer to version 6 from the phone that did not hear of 7 is refused beside its button.
		await late.getByLabel('👎 I disagree').check();
		await late.getByLabel('Why?').fill('Too long');
		await late.getByRole('button', { name: 'Send' }).click();
		const checkForm = late.locator('form[action="?/check"]');
		await checkForm
			.getByRole('alert')
			.getByText(/version 7 is the latest/)
			.waitFor();
		expect(await late.getByLabel('Why?').inputValue()).toBe('Too long');

		await phone.getByLabel('👎 I disagree').check();
		await phone.getByRole('button', { name: 'Send' }).click();
		await phone.getByText('Your answer to version 7 is in').waitFor();
		await vision(panel)
			.getByText(/1\s*disagree/)
			.waitFor({ timeout: LIVE_UPDATE_MS });
	});

	it('an amendment worked in by hand is put, applied to the latest draft, in the box; saving it marks it worked in', async () => {
		const wording = phone.getByLabel('Your wording');
		if (!(await wording.isVisible())) await phone.getByText('Propose a change').click();
		await phone.getByLabel(/Words to change/).fill('every single time');
		await wording.fill('every time, for everyone');
		await phone.getByRole('button', { name: 'Propose this change' }).click();
		await phone.getByText('Sent to the facilitator').waitFor();

		const proposal = vision(panel).getByText('“every single time” → “every time, for everyone”');
		await proposal.waitFor({ timeout: LIVE_UPDATE_MS });
		await vision(panel).getByRole('button', { name: 'Work in by hand' }).click();
		const merged = 'Every customer is heard and helped, every time, for everyone.';
		expect(await draftBox(panel).inputValue()).toBe(merged);
		await vision(panel)
			.getByRole('status')
			.getByText(/Working in by hand/)
			.waitFor();
		expect(await draftBox(panel).evaluate((box) => box === document.activeElement)).toBe(true);
		await draftBox(panel).press('End');
		await draftBox(panel).pressSequentially(' Always.');
		await press(panel, 'Save as version 8');

		await phone.getByRole('heading', { name: 'Our vision (draft 8)' }).waitFor({ timeout: LIVE_UPDATE_MS });
		expect(await phone.locator('blockquote').textContent()).toContain(`${merged} Always.`);
		await proposal.waitFor({ state: 'detached', timeout: LIVE_UPDATE_MS });
		await panel.getByLabel('Draft (version 8)').waitFor();
	});
});
