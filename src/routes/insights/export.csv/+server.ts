import { error } from '@sveltejs/kit';
import { currentMembership } from '$lib/server/http/currentOrg';
import { parseInsightQuery, parseSection } from '$lib/server/http/insightQuery';
import { readInsights, withPlainVisions } from '$lib/server/insights/read';
import { insightTable, tableCsv } from '$lib/server/insights/tables';
import type { RequestHandler } from './$types';

/** One figure of the Insights page as CSV: `?section=` and the page's own filters. */
export const GET: RequestHandler = async ({ locals, url }) => {
	const membership = currentMembership(locals.member!, url);
	const section = parseSection(url.searchParams);
	if (!membership) error(404, 'No insights to download.');
	if (!section)
		error(
			400,
			'Say which figure to download (section=stories, themes, obstacles, moods, outcomes or actions).'
		);
	const insights = await locals.db.transaction((tx) =>
		readInsights(tx, membership.orgId, parseInsightQuery(url.searchParams))
	);
	const name = `insights-${section}-${insights.period.from}-to-${insights.period.to}.csv`;
	const table = insightTable({ ...insights, outcomes: withPlainVisions(insights.outcomes) }, section);
	return new Response(tableCsv(table), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${name}"`,
			'cache-control': 'private, no-store'
		}
	});
};
