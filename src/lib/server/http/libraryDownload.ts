// Serves a library export for the signed-in member: the same query string as the library page.
import { error, type RequestEvent } from '@sveltejs/kit';
import { currentMembership } from './currentOrg';
import * as library from '../library';
import { toCsv, toMarkdown } from '../libraryExport';
import { parseLibraryQuery } from './libraryQuery';

function describe(filters: library.LibraryFilters): string {
	const said = Object.entries(filters)
		.filter(([, value]) => value)
		.map(([key, value]) => (value === true ? key : `${key} “${value}”`));
	return said.length ? `Stories matching ${said.join(', ')}` : 'All stories';
}

export async function exportResponse(event: RequestEvent, format: 'csv' | 'md'): Promise<Response> {
	const { locals, url } = event;
	const membership = locals.member && currentMembership(locals.member, url);
	if (!membership) error(404, 'No library to export.');
	const { filters, sort } = parseLibraryQuery(url.searchParams);
	const stories = await locals.db.transaction((tx) =>
		library.exportStories(tx, membership.orgId, filters, sort)
	);
	const name = `story-library-${new Date().toISOString().slice(0, 10)}.${format}`;
	const body =
		format === 'csv' ? toCsv(stories, url.origin) : toMarkdown(stories, url.origin, describe(filters));
	return new Response(body, {
		headers: {
			'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'text/markdown; charset=utf-8',
			'content-disposition': `attachment; filename="${name}"`,
			'cache-control': 'private, no-store'
		}
	});
}
