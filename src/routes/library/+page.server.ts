import * as library from '$lib/server/library';
import { currentMembership } from '$lib/server/http/currentOrg';
import { isFiltered, parseLibraryQuery } from '$lib/server/http/libraryQuery';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const membership = currentMembership(locals.member!, url);
	const query = parseLibraryQuery(url.searchParams);
	const base = { membership, query, pageSize: library.PAGE_SIZE, cap: library.COUNT_CAP };
	if (!membership) {
		return { ...base, landing: false, results: null, featured: [], facets: { teams: [], workshops: [] } };
	}
	const { orgId } = membership;
	// One transaction: the caller's identity is set once for all of the page's reads.
	// The landing page (no filters, first page) also shows the featured stories and the charters.
	const landing = !isFiltered(query.filters) && query.page === 1;
	return locals.db.transaction(async (tx) => ({
		...base,
		landing,
		results: await library.search(tx, orgId, query.filters, query.sort, query.page),
		featured: landing ? await library.featured(tx, orgId, 6) : [],
		facets: await library.facets(tx, orgId, query.filters.workshop)
	}));
};
