import { describe, expect, it } from 'vitest';
import { parseActionQuery } from './actionQuery';

const ME = '0b8f6a52-6d0e-4b5e-9f41-3c1a9f2f7e11';
const OTHER = '1c9e7b63-7e1f-4c6f-8a52-4d2b8a3f8f22';

describe('the Actions page’s query string', () => {
	it('reads each filter, and owner=me as the signed-in member', () => {
		const params = new URLSearchParams({
			team: ' Care ',
			workshop: OTHER,
			owner: 'me',
			status: 'in_progress'
		});
		expect(parseActionQuery(params, ME)).toEqual({
			team: 'Care',
			workshop: OTHER,
			owner: ME,
			status: 'in_progress'
		});
	});

	it('leaves out what does not parse instead of refusing the link', () => {
		const params = new URLSearchParams({
			team: 'x'.repeat(121),
			workshop: 'nope',
			owner: "1' or 1=1",
			status: 'all'
		});
		expect(parseActionQuery(params, ME)).toEqual({ team: null, workshop: null, owner: null, status: null });
	});
});
