// The Insights page's query string, as the library reads its own: a shared link keeps its filters,
// and anything that does not parse is left out rather than refused.
import type { InsightFilters } from '../insights/read';
import { SECTIONS, type Section } from '../insights/tables';
import { dateParam, textParam } from './libraryQuery';
import { isUuid } from '$lib/validation';

export function parseInsightQuery(params: URLSearchParams): InsightFilters {
	const workshop = params.get('workshop') ?? '';
	return {
		team: textParam(params, 'team', 120),
		workshop: isUuid(workshop) ? workshop : undefined,
		from: dateParam(params, 'from'),
		to: dateParam(params, 'to')
	};
}

/** Which figure a CSV download is of; null for anything else. */
export function parseSection(params: URLSearchParams): Section | null {
	const section = params.get('section');
	return SECTIONS.find((known) => known === section) ?? null;
}
