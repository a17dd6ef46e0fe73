// Stories are stored as the markdown people typed and served as sanitised HTML, so a sanitiser fix
// protects old stories too. marked passes raw HTML and javascript: links straight through, so the
// sanitiser is the security boundary: an allow-list, because a block-list always misses something.
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

// Like marked's own escaping: text for HTML, leaving entities the author typed (`&amp;`) alone.
const escapeText = (text: string) =>
	text
		.replace(/&(?!#?\w+;)/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;');

// A dedicated instance, so the global `marked` options stay untouched for anyone else.
const marked = new Marked({
	gfm: true,
	breaks: true,
	renderer: {
		// A story is text: images would be a tracking and bandwidth vector on phones, so show the alt text.
		image({ text, tokens }) {
			return escapeText(tokens ? this.parser.parseInline(tokens, this.parser.textRenderer) : text);
		}
	}
});

// marked recurses once per nesting level, so 2,000 `>` or 1,200 `1. ` overflow the stack: such a story
// (or anything else marked chokes on) is shown as the text it is, rather than breaking the page.
function toMarkup(markdown: string): string {
	try {
		return marked.parse(markdown, { async: false });
	} catch {
		return `<p>${escapeText(markdown)}</p>`;
	}
}

// Only absolute http(s)/mailto links: a relative one would point into this app (e.g. a GET that acts).
// sanitize-html then checks the scheme again on its own terms.
const linkTarget = /^(https?|mailto):/i;
const linkRel = 'nofollow noopener noreferrer';

// Rebuilds the attributes, dropping any rel/target the author wrote: no target means no window.opener,
// and rel withholds search-engine credit and the Referer.
const safeLink: sanitizeHtml.Transformer = (_tagName, { href }) => {
	const attribs: sanitizeHtml.Attributes =
		href && linkTarget.test(href.trim()) ? { href, rel: linkRel } : { rel: linkRel };
	return { tagName: 'a', attribs };
};

const alignment = { name: 'align', multiple: false, values: ['left', 'center', 'right'] };

const storyOptions: sanitizeHtml.IOptions = {
	allowedTags: [
		'p',
		'br',
		'strong',
		'em',
		'del',
		'blockquote',
		'ul',
		'ol',
		'li',
		'code',
		'pre',
		'h3',
		'h4',
		'h5',
		'h6',
		'hr',
		'a',
		'table',
		'thead',
		'tbody',
		'tr',
		'th',
		'td'
	],
	allowedAttributes: {
		a: ['href', 'rel'],
		// `3. foo` renders as <ol start="3">; without it the story's numbering would change.
		ol: ['start'],
		th: [alignment],
		td: [alignment]
	},
	allowedSchemes: ['http', 'https', 'mailto'],
	allowedSchemesByTag: {},
	allowProtocolRelative: false,
	disallowedTagsMode: 'discard',
	transformTags: {
		// The story card already has its own heading.
		h1: 'h3',
		h2: 'h3',
		a: safeLink
	}
};

// Keeps <br /> only so it can become a space below: `a<br>b` should not read as "ab".
const plainOptions: sanitizeHtml.IOptions = {
	allowedTags: ['br'],
	allowedAttributes: {},
	disallowedTagsMode: 'discard'
};

/** Story markdown as HTML that is safe to insert with {@html}. */
export function renderMarkdown(markdown: string): string {
	return sanitizeStoryHtml(toMarkup(markdown));
}

/** The sanitising half of renderMarkdown, exported so tests can check its output is a fixed point. */
export function sanitizeStoryHtml(html: string): string {
	// sanitize-html streams, so misnested input (`<p><table>`) can come out misnested, and its parser
	// would then reshape it; a second pass settles that, so the HTML we serve reparses as itself.
	return sanitizeHtml(sanitizeHtml(html, storyOptions), storyOptions);
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

/**
 * Story markdown as one line of plain text, for CSV/Markdown export and search snippets.
 * The result is NOT HTML-escaped (`a < b & c` stays as typed): escape it once where it is output.
 */
export function plainText(markdown: string): string {
	return sanitizeHtml(toMarkup(markdown), plainOptions)
		.replace(/<br \/>/g, ' ')
		.replace(/&(amp|lt|gt|quot|#39);/g, (match, name: string) => entities[name] ?? match)
		.replace(/\s+/g, ' ')
		.trim();
}
