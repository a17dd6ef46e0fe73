import { describe, expect, it } from 'vitest';
import { safeNext } from './redirects';

describe('safeNext', () => {
	it.each([
		['/org', '/org'],
		['/w/DEMO42/facilitate?x=1', '/w/DEMO42/facilitate?x=1'],
		['//evil.example', '/workshops'],
		['/\\evil.example', '/workshops'],
		['https://evil.example', '/workshops'],
		[null, '/workshops']
	])('%j → %j', (next, expected) => expect(safeNext(next)).toBe(expected));
});
