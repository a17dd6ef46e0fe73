// What an organisation's ended workshops add up to, for its members: stories good and bad by month
// and team, themes and their trend, obstacles met again and again, moods, vision statements and
// rallying cries, and how the actions stand. Counts come only from what members may read — library
// stories (tallied as they join it), shared personal visions — so nothing kept for the room counts.
import type { Handle } from '../db';
import { plainText } from '../markdown';
import { insightPeriod, type InsightPeriod } from './period';
import { groupSimilar } from './similar';

export interface InsightFilters {
	team?: string;
	workshop?: string;
	/** Days (YYYY-MM-DD) the workshops ended, inclusive. */
	from?: string;
	to?: string;
}

export interface WorkshopRef {
	id: string;
	title: string;
	joinCode: string;
	teamName: string | null;
	/** The day it ended (YYYY-MM-DD). */
	endedOn: string;
}

export interface StoryCounts {
	good: number;
	bad: number;
}
export interface MonthCounts extends StoryCounts {
	month: string;
}
export interface TeamStories extends StoryCounts {
	team: string | null;
	months: MonthCounts[];
}
export interface ThemeTrend {
	theme: string;
	stories: number;
	/** In the period before, as long as this one. */
	previous: number;
}
export interface RecurringObstacle {
	/** Its most common wording. */
	text: string;
	/** Times it was named, in all its wordings. */
	mentions: number;
	/** Dots from the revealed dot votes; null when none of its workshops revealed one. */
	dots: number | null;
	actions: number;
	/** How many workshops named it; `workshops` lists them, newest first (a page may list fewer). */
	workshopCount: number;
	workshops: WorkshopRef[];
}
export interface WorkshopMoods extends WorkshopRef {
	/** People by score, 1 (worst) to 5 (best). */
	counts: number[];
	people: number;
	average: number | null;
}
export interface WorkshopOutcome extends WorkshopRef {
	/** The latest vision statement as written (Markdown): withPlainVisions makes it text to show. */
	vision: string | null;
	rallyingCry: string | null;
	/** Personal visions shared with the organisation. */
	sharedVisions: number;
}
export interface TeamActions {
	team: string | null;
	done: number;
	open: number;
	overdue: number;
	dropped: number;
}

export interface Insights {
	period: InsightPeriod;
	workshops: WorkshopRef[];
	stories: StoryCounts & { months: MonthCounts[]; teams: TeamStories[] };
	themes: ThemeTrend[];
	obstacles: RecurringObstacle[];
	moods: WorkshopMoods[];
	outcomes: WorkshopOutcome[];
	actions: TeamActions[];
}

/** Themes shown, most told first. */
export const THEMES_SHOWN = 12;
/** Recurring obstacles shown, met in most workshops first. */
export const OBSTACLES_SHOWN = 12;

/** Teams in name order, workshops without a team last. */
const byTeam = (a: { team: string | null }, b: { team: string | null }) =>
	a.team === b.team ? 0 : a.team === null ? 1 : b.team === null ? -1 : a.team.localeCompare(b.team);

export async function readInsights(
	db: Handle,
	orgId: string,
	filters: InsightFilters,
	today = new Date()
): Promise<Insights> {
	const period = insightPeriod(filters, today);
	const workshops = await db.query<WorkshopRef>(
		`select id, title, join_code as "joinCode", team_name as "teamName",
		        to_char(ended_at at time zone 'UTC', 'YYYY-MM-DD') as "endedOn"
		 from workshops
		 where org_id = $1 and status = 'ended' and (ended_at at time zone 'UTC')::date between $2 and $3
		   and ($4::text is null or team_name = $4) and ($5::uuid is null or id = $5)
		 order by ended_at desc, id`,
		[orgId, period.from, period.to, filters.team ?? null, filters.workshop ?? null]
	);
	const ids = workshops.map((workshop) => workshop.id);
	const byId = new Map(workshops.map((workshop) => [workshop.id, workshop]));
	return {
		period,
		workshops,
		stories: await storiesByMonth(db, orgId, filters, period),
		themes: await themeTrends(db, orgId, filters, period),
		obstacles: await recurringObstacles(db, orgId, ids, byId),
		moods: await moods(db, orgId, ids, workshops),
		outcomes: await outcomes(db, orgId, ids, workshops),
		actions: await actionsByTeam(db, orgId, ids)
	};
}

/** The tallies' filters: $1 org, then team ($2) and workshop ($3); the days follow. */
const TALLY_SCOPE = `t.org_id = $1 and ($2::text is null or w.team_name = $2) and ($3::uuid is null or w.id = $3)`;

async function storiesByMonth(
	db: Handle,
	orgId: string,
	filters: InsightFilters,
	period: InsightPeriod
): Promise<Insights['stories']> {
	const rows = await db.query<{ month: string; team: string | null; kind: 'good' | 'bad'; stories: number }>(
		`select to_char(t.library_on, 'YYYY-MM') as month, w.team_name as team, t.kind, sum(t.stories)::int as stories
		 from library_story_tallies t join workshops w on w.id = t.workshop_id
		 where ${TALLY_SCOPE} and t.library_on between $4 and $5
		 group by 1, 2, 3`,
		[orgId, filters.team ?? null, filters.workshop ?? null, period.from, period.to]
	);
	const emptyMonths = () => period.months.map((month) => ({ month, good: 0, bad: 0 }));
	const all = { good: 0, bad: 0, months: emptyMonths() };
	const teams = new Map<string | null, TeamStories>();
	for (const row of rows) {
		const team = teams.get(row.team) ?? { team: row.team, good: 0, bad: 0, months: emptyMonths() };
		teams.set(row.team, team);
		for (const counts of [all, team]) {
			counts[row.kind] += row.stories;
			counts.months.find((month) => month.month === row.month)![row.kind] += row.stories;
		}
	}
	return { ...all, teams: [...teams.values()].sort(byTeam) };
}

async function themeTrends(
	db: Handle,
	orgId: string,
	filters: InsightFilters,
	period: InsightPeriod
): Promise<ThemeTrend[]> {
	const rows = await db.query<ThemeTrend>(
		`select t.theme, coalesce(sum(t.stories) filter (where t.library_on >= $4), 0)::int as stories,
		        coalesce(sum(t.stories) filter (where t.library_on <= $7), 0)::int as previous
		 from library_theme_tallies t join workshops w on w.id = t.workshop_id
		 where ${TALLY_SCOPE} and (t.library_on between $4 and $5 or t.library_on between $6 and $7)
		 group by 1`,
		[
			orgId,
			filters.team ?? null,
			filters.workshop ?? null,
			period.from,
			period.to,
			period.previousFrom,
			period.previousTo
		]
	);
	return rows
		.filter((row) => row.stories > 0)
		.sort((a, b) => b.stories - a.stories || a.theme.localeCompare(b.theme))
		.slice(0, THEMES_SHOWN);
}

/** Obstacles worded alike, named in two or more of these workshops. */
async function recurringObstacles(
	db: Handle,
	orgId: string,
	ids: string[],
	workshops: Map<string, WorkshopRef>
): Promise<RecurringObstacle[]> {
	// One row per wording: the database groups the same words, similar ones are grouped here.
	const wordings = await db.query<{
		text: string;
		workshopIds: string[];
		mentions: number;
		dots: number | null;
		actions: number;
	}>(
		`select text, workshop_ids as "workshopIds", mentions, dots, actions
		 from app.insight_obstacles($1, $2) order by text`,
		[orgId, ids]
	);
	return groupSimilar(wordings)
		.map((group): RecurringObstacle => {
			const named = [...new Set(group.flatMap((wording) => wording.workshopIds))]
				.map((id) => workshops.get(id)!)
				.sort((a, b) => b.endedOn.localeCompare(a.endedOn));
			const voted = group.filter((wording) => wording.dots !== null);
			return {
				text: mostCommonWording(group),
				mentions: group.reduce((sum, wording) => sum + wording.mentions, 0),
				dots: voted.length ? voted.reduce((sum, wording) => sum + wording.dots!, 0) : null,
				actions: group.reduce((sum, wording) => sum + wording.actions, 0),
				workshopCount: named.length,
				workshops: named
			};
		})
		.filter((obstacle) => obstacle.workshopCount > 1)
		.sort(
			(a, b) =>
				b.workshopCount - a.workshopCount ||
				(b.dots ?? 0) - (a.dots ?? 0) ||
				b.mentions - a.mentions ||
				a.text.localeCompare(b.text)
		)
		.slice(0, OBSTACLES_SHOWN);
}

/** The wording written most often; the first of them alphabetically on a tie. */
function mostCommonWording(wordings: { text: string; mentions: number }[]): string {
	return [...wordings]
		.sort((a, b) => b.mentions - a.mentions || a.text.localeCompare(b.text))[0]!
		.text.trim()
		.replace(/\s+/g, ' ');
}

async function moods(
	db: Handle,
	orgId: string,
	ids: string[],
	workshops: WorkshopRef[]
): Promise<WorkshopMoods[]> {
	const rows = await db.query<{ workshopId: string; score: number; people: number }>(
		`select workshop_id as "workshopId", score, people from app.insight_moods($1, $2)`,
		[orgId, ids]
	);
	return workshops.flatMap((workshop) => {
		const counts = [0, 0, 0, 0, 0];
		for (const row of rows) if (row.workshopId === workshop.id) counts[row.score - 1] = row.people;
		const people = counts.reduce((sum, n) => sum + n, 0);
		if (people === 0) return [];
		const total = counts.reduce((sum, n, index) => sum + n * (index + 1), 0);
		return [{ ...workshop, counts, people, average: Math.round((total / people) * 10) / 10 }];
	});
}

async function outcomes(
	db: Handle,
	orgId: string,
	ids: string[],
	workshops: WorkshopRef[]
): Promise<WorkshopOutcome[]> {
	const rows = await db.query<{
		workshopId: string;
		vision: string | null;
		cry: string | null;
		shared: number;
	}>(
		`select workshop_id as "workshopId", vision, rallying_cry as cry, shared_visions as shared
		 from app.insight_outcomes($1, $2)`,
		[orgId, ids]
	);
	const byId = new Map(rows.map((row) => [row.workshopId, row]));
	return workshops.map((workshop) => {
		const row = byId.get(workshop.id);
		return {
			...workshop,
			vision: row?.vision ?? null,
			rallyingCry: row?.cry ?? null,
			sharedVisions: row?.shared ?? 0
		};
	});
}

async function actionsByTeam(db: Handle, orgId: string, ids: string[]): Promise<TeamActions[]> {
	const rows = await db.query<TeamActions>(
		`select team, done, open, overdue, dropped from app.insight_actions($1, $2)`,
		[orgId, ids]
	);
	return rows.sort(byTeam);
}

/** The outcomes with their vision statements as plain text, for a page or a CSV cell. */
export function withPlainVisions(outcomes: WorkshopOutcome[]): WorkshopOutcome[] {
	return outcomes.map((outcome) => ({ ...outcome, vision: outcome.vision && plainText(outcome.vision) }));
}
