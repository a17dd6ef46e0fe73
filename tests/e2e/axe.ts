// Accessibility checks with axe-core in the page under test: WCAG 2.0, 2.1 and 2.2, levels A and AA.
import axe from 'axe-core';
import type { Page } from 'playwright-core';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** What axe finds on the page as it is now, one line per failing node ("rule: target — summary"). */
export async function axeViolations(page: Page): Promise<string[]> {
	// Through the DevTools protocol, so the page's Content-Security-Policy does not stop it.
	if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
	const results = await page.evaluate(
		(tags) =>
			(window as unknown as { axe: typeof axe }).axe.run(document, {
				runOnly: { type: 'tag', values: tags }
			}),
		TAGS
	);
	return results.violations.flatMap((violation) =>
		violation.nodes.map(
			(node) =>
				`${violation.id}: ${node.target.join(' ')} — ${node.failureSummary?.split('\n')[1]?.trim() ?? violation.help}`
		)
	);
}
