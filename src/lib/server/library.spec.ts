import { describe, expect, it } from 'vitest';
import { snippetHtml } from './library';

describe('search snippets', () => {
	it('escape the story text and mark only the matches', () => {
		expect(snippetHtml('a <b>\uE000refund\uE001</b> & "more"')).toBe(
			'a &lt;b&gt;<mark>refund</mark>&lt;/b&gt; &amp; &quot;more&quot;'
		);
	});

	it('drop markdown punctuation and link targets', () => {
		expect(snippetHtml('# **Great** _call_ [here](javascript:alert(1))\n> quoted 1 > 0')).toBe(
			'Great call here quoted 1 &gt; 0'
		);
	});

	it('drop unpaired match markers instead of leaving an open <mark>', () => {
		expect(snippetHtml('\uE001stray close and \uE000stray open')).toBe('stray close and stray open');
	});
});
