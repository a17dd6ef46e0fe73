import { describe, expect, it } from 'vitest';
import { applyAmendment } from './vision';

describe('applying an amendment to a draft', () => {
	it.each([
		['the target replaced once', 'Heard and heard', 'heard', 'helped', 'Heard and helped'],
		['no target: the whole text', 'We listen.', null, 'We make it easy.', 'We make it easy.'],
		['a target no longer there: nothing to apply', 'We listen.', 'heard', 'helped', null],
		['dollar signs kept as typed', 'Save money', 'money', '$& and $1', 'Save $& and $1']
	])('%s', (_, body, target, proposed, expected) => {
		expect(applyAmendment(body, target, proposed)).toBe(expected);
	});
});
