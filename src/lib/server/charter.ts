// The charter: what a workshop came to, on one page — the vision statement, the rallying cry, the
// stories that moved the room, and the obstacles it will move, with their actions. Read as the
// caller, so row policies decide which stories it may show (leaders: those shared to the library).
import { ACTION_STATUS, type ActionStatus } from '$lib/actionStatus';
import { longDate, shortDate } from '$lib/dates';
import type { StoryKind } from '$lib/stories';
import type { Tally } from '$lib/tally';
import { plural } from '$lib/words';
import type { Handle } from './db';
import type { Row } from './db/rows';
import { followUpSummary, type FollowUpSummary } from './followUp';
import { renderMarkdown } from './markdown';
import { shared as sharedVisions, type SharedVision } from './personalVisions';

export const STORIES_PER_KIND = 3;
export const OBSTACLES_SHOWN = 5;

export interface CharterStory {
	id: string;
	kind: StoryKind;
	title: string;
	body: string;
	html: string;
	authorName: string | null;
	reactions: number;
}

export interface CharterObstacle {
	id: string;
	text: string;
	/** Dots it received in the latest revealed dot vote (null when it was not on one). */
	dots: number | null;
	fixes: string[];
}

export interface CharterAction {
	title: string;
	ownerName: string;
	dueOn: string | null;
	obstacleId: string | null;
	/** Where it stands now: followed up after the workshop on the Actions page. */
	status: ActionStatus;
}

export interface Charter {
	workshop: {
		id: string;
		title: string;
		teamName: string | null;
		joinCode: string;
		/** The day it ended (or was created), YYYY-MM-DD. */
		date: string;
		status: string;
		/** The organisation's locale, for dates. */
		locale: string;
	};
	vision: { body: string; html: string; version: number } | null;
	rallyingCry: string | null;
	stories: Record<StoryKind, CharterStory[]>;
	obstacles: CharterObstacle[];
	actions: CharterAction[];
	/** Personal visions the reader may see (shared with the room, or with the organisation). */
	personalVisions: SharedVision[];
	/** "How are we doing?", once the organisation's follow-up period has passed (members only). */
	followUp: FollowUpSummary | null;
}

const day = (date: Date) => date.toISOString().slice(0, 10);

/** The charter of the workshop with this code, if the caller may see the workshop. */
export async function charter(db: Handle, joinCode: string): Promise<Charter | null> {
	return db.transaction(async (tx) => {
		const [workshop] = await tx.query<
			Pick<
				Row<'workshops'>,
				'id' | 'title' | 'team_name' | 'join_code' | 'status' | 'ended_at' | 'created_at'
			> & { cry: string | null; locale: string }
		>(
			// The cry in the words its vote revealed (it may have been hidden since); else as it stands.
			`select w.id, w.title, w.team_name, w.join_code, w.status, w.ended_at, w.created_at,
			        coalesce((select v.labels ->> v.winner_id::text from votes v
			                  where v.workshop_id = w.id and v.subject = 'rallying_cry' and v.winner_id = w.rallying_cry_id
			                  order by v.revealed_at desc limit 1), c.text) as cry,
			        app.workshop_locale(w.id) as locale
			 from workshops w left join rallying_cries c on c.id = w.rallying_cry_id
			 where w.join_code = $1`,
			[joinCode]
		);
		if (!workshop) return null;
		const [vision] = await tx.query<Pick<Row<'vision_versions'>, 'body' | 'version'>>(
			`select body, version from vision_versions where workshop_id = $1 order by version desc limit 1`,
			[workshop.id]
		);
		const stories = await tx.query<Omit<CharterStory, 'html'>>(
			`select id, kind, title, body, author_name as "authorName", reaction_count as reactions
			 from (select s.*, row_number() over (partition by s.kind order by s.reaction_count desc, s.created_at) as n
			       from stories s where s.workshop_id = $1 and not s.hidden) ranked
			 where n <= $2 order by kind, n`,
			[workshop.id, STORIES_PER_KIND]
		);
		return {
			workshop: {
				id: workshop.id,
				title: workshop.title,
				teamName: workshop.team_name,
				joinCode: workshop.join_code,
				date: day(workshop.ended_at ?? workshop.created_at),
				status: workshop.status,
				locale: workshop.locale
			},
			vision: vision ? { ...vision, html: renderMarkdown(vision.body) } : null,
			rallyingCry: workshop.cry,
			stories: {
				good: stories.filter((s) => s.kind === 'good').map((s) => ({ ...s, html: renderMarkdown(s.body) })),
				bad: stories.filter((s) => s.kind === 'bad').map((s) => ({ ...s, html: renderMarkdown(s.body) }))
			},
			obstacles: await topObstacles(tx, workshop.id),
			actions: await tx.query<CharterAction>(
				`select a.title, coalesce(u.display_name, a.owner_name) as "ownerName",
				        to_char(a.due_on, 'YYYY-MM-DD') as "dueOn", a.obstacle_id as "obstacleId", a.status
				 from action_items a left join users u on u.id = a.owner_id
				 where a.workshop_id = $1 order by a.due_on nulls last, a.created_at`,
				[workshop.id]
			),
			personalVisions: await sharedVisions(tx, workshop.id),
			followUp: await followUpSummary(tx, workshop.id)
		};
	});
}

/**
 * The obstacles as the room ranked them in its latest revealed dot vote — the result as revealed,
 * in its words then, with the tie the facilitator settled put first — then any named since; with no
 * revealed vote, the first named.
 */
async function topObstacles(db: Handle, workshopId: string): Promise<CharterObstacle[]> {
	const rows = await db.query<Pick<Row<'obstacles'>, 'id' | 'text'> & { fixes: string[] }>(
		`select o.id, o.text,
		        coalesce((select array_agg(f.text order by f.created_at) from fixes f where f.obstacle_id = o.id), '{}') as fixes
		 from obstacles o where o.workshop_id = $1 and not o.hidden order by o.created_at`,
		[workshopId]
	);
	const [revealed] = await db.query<{ result: Tally; winnerId: string | null }>(
		`select result || jsonb_build_object('labels', labels) as result, winner_id as "winnerId"
		 from votes where workshop_id = $1 and subject = 'obstacles' and status = 'revealed' and runoff_of is null
		 order by revealed_at desc limit 1`,
		[workshopId]
	);
	if (!revealed) return rows.map((row) => ({ ...row, dots: null })).slice(0, OBSTACLES_SHOWN);
	const { result, winnerId } = revealed;
	const fixes = new Map(rows.map((row) => [row.id, row.fixes]));
	const first = (id: string) => (id === winnerId ? 0 : 1);
	const ranked = result.totals
		.map((count, index) => ({ ...count, index }))
		.sort((a, b) => b.votes - a.votes || first(a.option) - first(b.option) || a.index - b.index)
		.map((count) => ({
			id: count.option,
			text: result.labels?.[count.option] ?? '',
			dots: count.votes,
			fixes: fixes.get(count.option) ?? []
		}));
	const since = rows
		.filter((row) => !result.totals.some((count) => count.option === row.id))
		.map((row) => ({ ...row, dots: null }));
	return [...ranked, ...since].slice(0, OBSTACLES_SHOWN);
}

/** The charter as Markdown, to paste into a team page or an e-mail. */
export function charterMarkdown(charter: Charter, origin: string): string {
	const { workshop } = charter;
	const lines = [
		`# ${workshop.title} — our customer-service charter`,
		'',
		`${workshop.teamName ? `${workshop.teamName} · ` : ''}${longDate(workshop.date, workshop.locale)}`,
		'',
		'## Our vision',
		'',
		charter.vision?.body ?? '_No vision statement was agreed._',
		'',
		'## Our rallying cry',
		'',
		charter.rallyingCry ? `**${charter.rallyingCry}**` : '_No rallying cry was chosen._',
		''
	];
	const storyHeadings: [StoryKind, string][] = [
		['good', 'Stories of great service'],
		['bad', 'Stories of service to do better']
	];
	for (const [kind, heading] of storyHeadings) {
		const stories = charter.stories[kind];
		if (stories.length === 0) continue;
		lines.push(`## ${heading}`, '');
		for (const story of stories) {
			lines.push(
				`### ${story.title.replace(/\s+/g, ' ')}`,
				'',
				story.body,
				'',
				`— ${story.authorName ?? 'Anonymous'}`,
				''
			);
		}
	}
	lines.push('## Obstacles we will move', '');
	if (charter.obstacles.length === 0) lines.push('_None were named._', '');
	for (const obstacle of charter.obstacles) {
		lines.push(
			`- **${obstacle.text}**${obstacle.dots === null ? '' : ` (${plural(obstacle.dots, 'dot', 'dots')})`}`
		);
		for (const fix of obstacle.fixes) lines.push(`  - Fix: ${fix}`);
	}
	if (charter.personalVisions.length) {
		lines.push('', '## Our own visions', '');
		for (const personal of charter.personalVisions) {
			lines.push(`- “${personal.vision}”${personal.writer ? ` — ${personal.writer}` : ''}`);
			if (personal.commitment) lines.push(`  - Commitment: ${personal.commitment}`);
		}
	}
	lines.push('', '## Actions', '');
	if (charter.actions.length === 0) lines.push('_None yet._');
	for (const action of charter.actions) {
		const due = action.dueOn ? `, by ${shortDate(action.dueOn, workshop.locale)}` : '';
		const title = action.status === 'dropped' ? `~~${action.title}~~` : action.title;
		const standing = action.status === 'open' ? '' : ` (${ACTION_STATUS[action.status].label.toLowerCase()})`;
		lines.push(`- [${action.status === 'done' ? 'x' : ' '}] ${title} — ${action.ownerName}${due}${standing}`);
	}
	lines.push('', `[Open the charter](${origin}/w/${workshop.joinCode}/charter)`, '');
	return lines.join('\n');
}
