import * as library from '$lib/server/library';
import { currentMembership } from '$lib/server/http/currentOrg';
import { parseInsightQuery } from '$lib/server/http/insightQuery';
import { readInsights, withPlainVisions } from '$lib/server/insights/read';
import { insightTable, SECTIONS, type Section } from '$lib/server/insights/tables';
import { MOODS_SHOWN, OBSTACLE_WORKSHOPS_LISTED, OUTCOMES_SHOWN, type DataTable } from '$lib/insights';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const membership = currentMembership(locals.member!, url);
	const filters = parseInsightQuery(url.searchParams);
	if (!membership) return { membership, filters, insights: null, all: null, tables: null, facets: null };
	const { orgId } = membership;
	// One transaction: the caller's identity is set once for all of the page's reads.
	const { insights, facets } = await locals.db.transaction(async (tx) => ({
		insights: await readInsights(tx, orgId, filters),
		facets: await library.facets(tx, orgId, filters.workshop)
	}));
	// The page draws the newest workshops' moods and outcomes, and links each obstacle's newest
	// workshops; the CSV has them all.
	const shown = {
		...insights,
		obstacles: insights.obstacles.map((o) => ({
			...o,
			workshops: o.workshops.slice(0, OBSTACLE_WORKSHOPS_LISTED)
		})),
		moods: insights.moods.slice(0, MOODS_SHOWN),
		outcomes: withPlainVisions(insights.outcomes.slice(0, OUTCOMES_SHOWN))
	};
	const tables = Object.fromEntries(
		SECTIONS.map((section) => [section, insightTable(shown, section)])
	) as Record<Section, DataTable>;
	const all = { moods: insights.moods.length, outcomes: insights.outcomes.length };
	return { membership, filters, insights: shown, all, tables, facets };
};
