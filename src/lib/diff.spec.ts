import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffWords, wordCount } from './diff';

describe('word diff', () => {
	it('marks the words added and removed between two drafts', () => {
		expect(diffWords('customers feel heard', 'customers feel heard and helped')).toEqual([
			{ kind: 'same', text: 'customers feel heard' },
			{ kind: 'added', text: ' and helped' }
		]);
		expect(diffWords('we fix it fast', 'we fix it once')).toEqual([
			{ kind: 'same', text: 'we fix it ' },
			{ kind: 'removed', text: 'fast' },
			{ kind: 'added', text: 'once' }
		]);
	});

	it('always rebuilds both texts: kept + removed is the old one, kept + added the new one', () => {
		const text = fc
			.array(fc.constantFrom('we', 'fix', 'it', 'once', 'fast', ' ', '  ', '\n'), { maxLength: 30 })
			.map((w) => w.join(''));
		fc.assert(
			fc.property(text, text, (before, after) => {
				const parts = diffWords(before, after);
				const old = parts
					.filter((p) => p.kind !== 'added')
					.map((p) => p.text)
					.join('');
				const neu = parts
					.filter((p) => p.kind !== 'removed')
					.map((p) => p.text)
					.join('');
				expect(old).toBe(before);
				expect(neu).toBe(after);
			})
		);
	});
});

describe('word count', () => {
	it('counts words, not punctuation or markdown marks', () => {
		expect(wordCount('Every customer **feels** heard — first time!')).toBe(6);
		expect(wordCount('  ')).toBe(0);
	});
});
