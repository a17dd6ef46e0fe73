import { describe, expect, it } from 'vitest';
import { isFiltered, parseLibraryQuery } from './libraryQuery';

const parse = (query: string) => parseLibraryQuery(new URLSearchParams(query));

describe('the library query string', () => {
	it('reads every filter, the sort and the page of a shared link', () => {
		expect(
			parse(
				'q=%22rang+back%22+-billing&kind=bad&perspective=employee&theme=Speed&team=North&workshop=00000000-0000-4000-8000-000000000001&from=2026-01-01&to=2026-02-01&featured=1&sort=reacted&page=3'
			)
		).toEqual({
			filters: {
				q: '"rang back" -billing',
				kind: 'bad',
				perspective: 'employee',
				theme: 'speed',
				team: 'North',
				workshop: '00000000-0000-4000-8000-000000000001',
				from: '2026-01-01',
				to: '2026-02-01',
				featured: true
			},
			sort: 'reacted',
			page: 3
		});
	});

	it('leaves out what does not parse, so an old or edited link still opens', () => {
		const { filters, sort, page } = parse(
			`q=${'x'.repeat(201)}&kind=meh&perspective=&workshop=1;drop&from=2026-13-45&to=yesterday&sort=random&page=-4&featured=yes`
		);
		expect(Object.values(filters).filter((value) => value !== undefined)).toEqual([]);
		expect(sort).toBe('newest');
		expect(page).toBe(1);
		expect(isFiltered(filters)).toBe(false);
	});

	it('leaves out days that do not exist or are out of range', () => {
		for (const query of ['from=2024-02-30', 'to=2024-02-31', 'from=0000-01-01', 'to=9999-12-31']) {
			const { filters } = parse(query);
			expect([filters.from, filters.to]).toEqual([undefined, undefined]);
		}
		expect(parse('from=2024-02-29').filters.from).toBe('2024-02-29');
	});

	it('keeps pages within the counted results', () => {
		expect(parse('page=999').page).toBe(10);
		expect(parse('page=abc').page).toBe(1);
	});

	it('refuses text Postgres cannot store', () => {
		expect(parse('q=a%00b').filters.q).toBeUndefined();
	});
});
