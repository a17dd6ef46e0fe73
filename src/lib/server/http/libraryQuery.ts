// The library's query string: what a shared link says about filters, sort and page. Anything that
// does not parse is left out rather than refused, so an old or hand-edited link still opens.
import type { LibraryFilters, LibrarySort } from '../library';
import { COUNT_CAP, PAGE_SIZE } from '../library';
import { isCalendarDay, isStorableText, isUuid } from '$lib/validation';

export interface LibraryQuery {
	filters: LibraryFilters;
	sort: LibrarySort;
	page: number;
}

const LAST_PAGE = Math.ceil(COUNT_CAP / PAGE_SIZE);

export function textParam(params: URLSearchParams, name: string, max: number): string | undefined {
	const value = params.get(name)?.trim().replace(/\s+/g, ' ');
	return value && value.length <= max && isStorableText(value) ? value : undefined;
}

export function dateParam(params: URLSearchParams, name: string): string | undefined {
	const value = params.get(name) ?? '';
	return isCalendarDay(value) ? value : undefined;
}

export function parseLibraryQuery(params: URLSearchParams): LibraryQuery {
	const kind = params.get('kind');
	const perspective = params.get('perspective');
	const workshop = params.get('workshop') ?? '';
	const page = Number.parseInt(params.get('page') ?? '1', 10);
	return {
		filters: {
			q: textParam(params, 'q', 200),
			kind: kind === 'good' || kind === 'bad' ? kind : undefined,
			perspective: perspective === 'customer' || perspective === 'employee' ? perspective : undefined,
			theme: textParam(params, 'theme', 40)?.toLowerCase(),
			team: textParam(params, 'team', 120),
			workshop: isUuid(workshop) ? workshop : undefined,
			from: dateParam(params, 'from'),
			to: dateParam(params, 'to'),
			featured: params.get('featured') === '1' || undefined
		},
		sort: params.get('sort') === 'reacted' ? 'reacted' : 'newest',
		page: Number.isFinite(page) ? Math.min(Math.max(page, 1), LAST_PAGE) : 1
	};
}

/** Whether any filter narrows the library (the landing page shows the featured collection). */
export function isFiltered(filters: LibraryFilters): boolean {
	return Object.values(filters).some(Boolean);
}
