// The story library: every story whose author consented, from every ended workshop of the
// organisation, for its members to search, filter, feature and export. Finding the page of ids uses
// the search indexes (app.library_search, members only); the stories themselves are read under the
// row policies, which keep anonymous authorship unreadable.
import type { Perspective, StoryKind } from '$lib/stories';
import { DEFAULT_LOCALE } from '$lib/locales';
import type { Handle } from './db';
import type { NonNull, Row } from './db/rows';
import { plainText, renderMarkdown } from './markdown';

export interface LibraryFilters {
	q?: string;
	kind?: StoryKind;
	perspective?: Perspective;
	theme?: string;
	team?: string;
	workshop?: string;
	/** Dates (YYYY-MM-DD) the story joined the library, inclusive. */
	from?: string;
	to?: string;
	featured?: boolean;
}

export type LibrarySort = 'newest' | 'reacted';

export const PAGE_SIZE = 20;
export const EXPORT_LIMIT = 1000;
/** Counting stops here (app.library_search): the page says "more than 200". */
export const COUNT_CAP = 200;

export interface LibraryStory {
	id: string;
	kind: StoryKind;
	perspective: Perspective;
	title: string;
	/** Plain text with matches wrapped in <mark>, HTML-escaped: safe to insert as HTML. */
	snippetHtml: string;
	feeling: string | null;
	company: string | null;
	themes: string[];
	/** The author's name, or null for "Anonymous". */
	authorName: string | null;
	reactionCount: number;
	featured: boolean;
	libraryAt: Date;
	workshopId: string;
	workshopTitle: string;
	teamName: string | null;
}

export interface LibraryPage {
	stories: LibraryStory[];
	/** Matching stories, up to COUNT_CAP + 1; null when the page asked for lies past the end. */
	total: number | null;
}

/** Ids of one page of matching stories, in order, and how many match in all. */
async function findIds(
	db: Handle,
	orgId: string,
	filters: LibraryFilters,
	sort: LibrarySort | 'featured',
	limit: number,
	offset: number
): Promise<{ ids: string[]; total: number | null }> {
	const rows = await db.query<{ story_id: string; total: number }>(
		`select story_id, total from app.library_search($1, $2, $3, $4, $5)`,
		[orgId, JSON.stringify(filterJson(filters)), sort, limit, offset]
	);
	return { ids: rows.map((row) => row.story_id), total: rows[0]?.total ?? (offset === 0 ? 0 : null) };
}

function filterJson(filters: LibraryFilters): Record<string, string | boolean> {
	const json: Record<string, string | boolean> = {};
	for (const [key, value] of Object.entries(filters)) if (value) json[key] = value;
	return json;
}

/** A story's own columns; it is in the library, so `library_at` is set. */
type StoryColumns = NonNull<
	Pick<
		Row<'stories'>,
		| 'id'
		| 'kind'
		| 'perspective'
		| 'title'
		| 'body'
		| 'feeling'
		| 'company'
		| 'themes'
		| 'author_name'
		| 'reaction_count'
		| 'library_at'
		| 'workshop_id'
	>,
	'library_at'
>;

/** A library story with its workshop's title and team, whether it is featured, and a search snippet. */
type StoryRow = StoryColumns &
	Pick<Row<'workshops'>, 'team_name'> & {
		workshop_title: Row<'workshops'>['title'];
		featured: boolean;
		snippet: string | null;
	};

// Private-use characters mark the matches in ts_headline's output, so the text around them can be
// escaped before the marks become <mark> tags.
const MARK_START = '\uE000';
const MARK_END = '\uE001';

/** Reads the stories with these ids under the caller's row policies, keeping the given order. */
async function read(db: Handle, ids: string[], q: string | undefined): Promise<StoryRow[]> {
	if (ids.length === 0) return [];
	const rows = await db.query<StoryRow>(
		`select s.id, s.kind, s.perspective, s.title, s.body, s.feeling, s.company, s.themes, s.author_name,
		        s.reaction_count, s.featured_at is not null as featured, s.library_at,
		        w.id as workshop_id, w.title as workshop_title, w.team_name,
		        case when $2::text is not null then ts_headline('english', s.body, websearch_to_tsquery('english', $2),
		          'StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "')
		        end as snippet
		 from stories s join workshops w on w.id = s.workshop_id
		 where s.id = any($1::uuid[]) and s.library_at is not null`,
		[ids, q ?? null]
	);
	const byId = new Map(rows.map((row) => [row.id, row]));
	return ids.flatMap((id) => byId.get(id) ?? []);
}

const escapeHtml = (value: string) =>
	value.replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!
	);

/** A search snippet as safe HTML: escaped text, markdown punctuation dropped, matches marked. */
export function snippetHtml(text: string): string {
	const tidy = text
		.replace(/\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)/g, '$1') // [text](url) → text
		.replace(/^[ \t]*(?:#{1,6}|>+)[ \t]+/gm, '') // heading and quote markers
		.replace(/[*_`~]+/g, '')
		.replace(/\s+/g, ' ')
		.trim();
	return escapeHtml(tidy)
		.replace(new RegExp(`${MARK_START}([^${MARK_END}]*)${MARK_END}`, 'g'), '<mark>$1</mark>')
		.replace(new RegExp(`[${MARK_START}${MARK_END}]`, 'g'), '');
}

const SNIPPET_CHARACTERS = 240;

function toLibraryStory(row: StoryRow): LibraryStory {
	// The opening of the story is enough for a snippet (and keeps a 4,000-character one cheap).
	const text = row.snippet ?? plainText(row.body.slice(0, SNIPPET_CHARACTERS * 4));
	const clipped =
		!row.snippet && text.length > SNIPPET_CHARACTERS ? `${text.slice(0, SNIPPET_CHARACTERS)}…` : text;
	return {
		id: row.id,
		kind: row.kind,
		perspective: row.perspective,
		title: row.title,
		snippetHtml: snippetHtml(clipped),
		feeling: row.feeling,
		company: row.company,
		themes: row.themes,
		authorName: row.author_name,
		reactionCount: row.reaction_count,
		featured: row.featured,
		libraryAt: row.library_at,
		workshopId: row.workshop_id,
		workshopTitle: row.workshop_title,
		teamName: row.team_name
	};
}

export async function search(
	db: Handle,
	orgId: string,
	filters: LibraryFilters,
	sort: LibrarySort,
	page: number
): Promise<LibraryPage> {
	const { ids, total } = await findIds(db, orgId, filters, sort, PAGE_SIZE, (page - 1) * PAGE_SIZE);
	return { stories: (await read(db, ids, filters.q)).map(toLibraryStory), total };
}

/** The featured collection, most recently featured first. */
export async function featured(db: Handle, orgId: string, limit: number): Promise<LibraryStory[]> {
	const { ids } = await findIds(db, orgId, { featured: true }, 'featured', limit, 0);
	return (await read(db, ids, undefined)).map(toLibraryStory);
}

export interface ExportedStory extends LibraryStory {
	/** The story as its author wrote it (markdown). */
	body: string;
}

/** Up to EXPORT_LIMIT matching stories, with their full text, for CSV and Markdown. */
export async function exportStories(
	db: Handle,
	orgId: string,
	filters: LibraryFilters,
	sort: LibrarySort
): Promise<ExportedStory[]> {
	const { ids } = await findIds(db, orgId, filters, sort, EXPORT_LIMIT, 0);
	return (await read(db, ids, undefined)).map((row) => ({ ...toLibraryStory(row), body: row.body }));
}

// The newest workshops are offered as a filter; older ones are reached from their stories' pages.
const FACET_WORKSHOPS = 60;

/** What the filter form offers: the organisation's teams and most recent ended workshops. */
export async function facets(
	db: Handle,
	orgId: string,
	selectedWorkshop?: string
): Promise<{ teams: string[]; workshops: { id: string; title: string; joinCode: string; endedAt: Date }[] }> {
	const teams = await db.query<NonNull<Pick<Row<'workshops'>, 'team_name'>, 'team_name'>>(
		`select distinct team_name from workshops where org_id = $1 and team_name is not null order by team_name`,
		[orgId]
	);
	// The selected workshop first, so a link to an older workshop's stories still shows its name.
	const workshops = await db.query<{ id: string; title: string; joinCode: string; endedAt: Date }>(
		`select id, title, join_code as "joinCode", ended_at as "endedAt" from workshops where org_id = $1 and status = 'ended'
		 order by id = $2 desc nulls last, ended_at desc limit ${FACET_WORKSHOPS}`,
		[orgId, selectedWorkshop ?? null]
	);
	return { teams: teams.map((row) => row.team_name), workshops };
}

export interface LibraryStoryPage {
	story: LibraryStory & { html: string; edited: boolean };
	workshop: {
		id: string;
		title: string;
		teamName: string | null;
		endedAt: Date | null;
		joinCode: string;
		/** The organisation's locale, for dates. */
		locale: string;
	};
	vision: { html: string; version: number } | null;
	rallyingCry: string | null;
}

/** One library story with what its workshop came to: the vision statement and rallying cry. */
export async function story(db: Handle, storyId: string): Promise<LibraryStoryPage | null> {
	const [row] = await read(db, [storyId], undefined);
	if (!row) return null;
	const [extra] = await db.query<
		Pick<Row<'workshops'>, 'ended_at' | 'join_code'> &
			Pick<Row<'organisations'>, 'locale'> & {
				edited: boolean;
				vision: string | null;
				vision_version: number | null;
				cry: string | null;
			}
	>(
		`select s.edited_at is not null as edited, w.ended_at, w.join_code, o.locale,
		        v.body as vision, v.version as vision_version, c.text as cry
		 from stories s join workshops w on w.id = s.workshop_id join organisations o on o.id = w.org_id
		 left join lateral (select body, version from vision_versions where workshop_id = w.id
		                    order by version desc limit 1) v on true
		 left join rallying_cries c on c.id = w.rallying_cry_id
		 where s.id = $1`,
		[storyId]
	);
	return {
		story: { ...toLibraryStory(row), html: renderMarkdown(row.body), edited: extra?.edited ?? false },
		workshop: {
			id: row.workshop_id,
			title: row.workshop_title,
			teamName: row.team_name,
			endedAt: extra?.ended_at ?? null,
			joinCode: extra?.join_code ?? '',
			locale: extra?.locale ?? DEFAULT_LOCALE
		},
		vision: extra?.vision ? { html: renderMarkdown(extra.vision), version: extra.vision_version ?? 1 } : null,
		rallyingCry: extra?.cry ?? null
	};
}

/** Adds a story to the featured collection, or takes it out. */
export async function setFeatured(db: Handle, storyId: string, on: boolean): Promise<boolean> {
	const rows = await db.query(
		`update stories set featured_at = case when $2 then coalesce(featured_at, now()) end
		 where id = $1 and library_at is not null returning id`,
		[storyId, on]
	);
	return rows.length === 1;
}
