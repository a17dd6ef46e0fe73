import * as library from '$lib/server/library';
import { currentMembership } from '$lib/server/currentOrg';
import { isFiltered, parseLibraryQuery } from '$lib/server/libraryQuery';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const membership = currentMembership(locals.member!, url);
	const query = parseLibraryQuery(url.searchParams);
	const base = { membership, query, pageSize: library.PAGE_SIZE, cap: library.COUNT_CAP };
	if (!membership) return { ...base, results: null, featured: [], facets: { teams: [], workshops: [] } };
	const { orgId } = membership;
	// One transaction: the caller's identity is set once for all of the page's reads.
	return locals.db.transaction(async (tx) => ({
		...base,
		results: await library.search(tx, orgId, query.filters, query.sort, query.page),
		featured: isFiltered(query.filters) || query.page > 1 ? [] : await library.featured(tx, orgId, 6),
		facets: await library.facets(tx, orgId, query.filters.workshop)
	}));
};
