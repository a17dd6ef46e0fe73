// What each audience sees of a live workshop: a full snapshot on connect, and a small delta per
// announced change. Read on the owner connection by the realtime hub, which has already checked
// who each stream belongs to; the shaping below is what keeps each audience to its own view.
import {
	AUDIENCES,
	type ActionView,
	type ClosingState,
	type CryView,
	type ExciteState,
	type GrowState,
	type ObstacleView,
	type VoteView,
	type AmendmentView,
	type VisionState,
	type CheckTally,
	MOOD_LINES_SHOWN,
	STORIES_SHOWN,
	NAMES_SHOWN,
	type Audience,
	type Delta,
	type MoodLine,
	type RoomState,
	type Snapshot,
	type WorkshopState
} from '$lib/live';
import type { Tally } from '$lib/tally';
import { stageInfo, type Stage } from '$lib/stages';
import type { Handle } from './db';
import * as stories from './stories';
import { renderMarkdown } from './markdown';
import * as votes from './votes';

/** A change as announced by the database (`app.announce`, `app.announce_workshop_change`). */
export interface Announcement {
	v: number;
	what: 'workshop' | 'joined' | 'mood' | 'ready' | 'story' | 'reaction' | 'wall' | string;
	ref: string | null;
}

export const CONNECTED_WITHIN_SECONDS = 45;

const ROOM: readonly Audience[] = ['screen', 'facilitator'];

interface WorkshopRow {
	title: string;
	team_name: string | null;
	join_code: string;
	locale: string;
	status: WorkshopState['status'];
	stage: Stage;
	stage_settings: Record<string, { prompt?: string } | undefined>;
	posting_locked: boolean;
	hidden_until_reveal: boolean;
	timer_ends_at: Date | null;
	timer_paused_ms: number | null;
	spotlight_story_id: string | null;
	wall_paused: boolean;
	wall_step: number;
	version: number;
}

export async function workshopState(
	db: Handle,
	workshopId: string
): Promise<{ version: number; workshop: WorkshopState } | null> {
	const [row] = await db.query<WorkshopRow>(
		`select title, team_name, join_code, app.workshop_locale(id) as locale, status, stage, stage_settings,
		        posting_locked, hidden_until_reveal, timer_ends_at, timer_paused_ms, spotlight_story_id, wall_paused,
		        wall_step, version
		 from workshops where id = $1`,
		[workshopId]
	);
	if (!row) return null;
	return {
		version: row.version,
		workshop: {
			title: row.title,
			teamName: row.team_name,
			joinCode: row.join_code,
			locale: row.locale,
			status: row.status,
			stage: row.stage,
			prompt: row.stage_settings[row.stage]?.prompt || stageInfo(row.stage).defaultPrompt,
			postingLocked: row.posting_locked,
			hiddenUntilReveal: row.hidden_until_reveal,
			timer: { endsAt: row.timer_ends_at?.toISOString() ?? null, pausedMs: row.timer_paused_ms },
			wall: { paused: row.wall_paused, step: row.wall_step },
			spotlight: row.spotlight_story_id ? await stories.card(db, row.spotlight_story_id) : null
		}
	};
}

async function moodCounts(db: Handle, workshopId: string): Promise<number[]> {
	const rows = await db.query<{ score: number; n: number }>(
		`select score, count(*)::int as n from moods where workshop_id = $1 group by score`,
		[workshopId]
	);
	const counts = [0, 0, 0, 0, 0];
	for (const row of rows) counts[row.score - 1] = row.n;
	return counts;
}

async function readyCount(db: Handle, workshopId: string): Promise<number> {
	const [row] = await db.query<{ n: number }>(
		`select count(*)::int as n from stage_ready r join workshops w on w.id = r.workshop_id and w.stage = r.stage
		 where r.workshop_id = $1`,
		[workshopId]
	);
	return row?.n ?? 0;
}

export async function connectedCount(db: Handle, workshopId: string): Promise<number> {
	const [row] = await db.query<{ n: number }>(
		`select count(*)::int as n from participants
		 where workshop_id = $1 and last_seen_at > now() - make_interval(secs => $2)`,
		[workshopId, CONNECTED_WITHIN_SECONDS]
	);
	return row?.n ?? 0;
}

/** Posts are hidden from the room until a reveal when the facilitator says so; they see them all. */
function showsPosts(audience: Audience, workshop: WorkshopState): boolean {
	return audience === 'facilitator' || !workshop.hiddenUntilReveal;
}

/** The wall as this audience sees it: the facilitator also sees hidden stories, to moderate. */
function wall(db: Handle, workshopId: string, audience: Audience, workshop: WorkshopState) {
	if (!showsPosts(audience, workshop)) return Promise.resolve([]);
	return stories.cards(db, workshopId, audience === 'facilitator', STORIES_SHOWN[audience]);
}

export async function roomState(
	db: Handle,
	workshopId: string,
	audience: Exclude<Audience, 'participant'>,
	workshop: WorkshopState
): Promise<RoomState> {
	const [counts] = await db.query<{ joined: number }>(
		`select count(*)::int as joined from participants where workshop_id = $1`,
		[workshopId]
	);
	const names = await db.query<{ display_name: string }>(
		`select display_name from participants where workshop_id = $1 and display_name is not null
		 order by joined_at desc limit $2`,
		[workshopId, NAMES_SHOWN]
	);
	const lines = showsPosts(audience, workshop)
		? await db.query<MoodLine>(
				`select id, score, line from moods where workshop_id = $1 and line is not null
				 order by updated_at desc limit $2`,
				[workshopId, MOOD_LINES_SHOWN]
			)
		: [];
	return {
		joined: counts?.joined ?? 0,
		connected: audience === 'facilitator' ? await connectedCount(db, workshopId) : 0,
		names: names.map((row) => row.display_name),
		ready: await readyCount(db, workshopId),
		moodCounts: await moodCounts(db, workshopId),
		moodLines: lines,
		closing:
			workshop.stage === 'wrapup' || workshop.status === 'ended' ? await closingState(db, workshopId) : null
	};
}

/** The closing slide's counts and cry: read on each workshop change from Wrap-up on, never before. */
async function closingState(db: Handle, workshopId: string): Promise<ClosingState> {
	const [row] = await db.query<ClosingState>(
		`select (select count(*)::int from stories where workshop_id = $1 and not hidden) as stories,
		        (select count(*)::int from votes v join ballots b on b.vote_id = v.id where v.workshop_id = $1) as ballots,
		        (select c.text from workshops w join rallying_cries c on c.id = w.rallying_cry_id where w.id = $1)
		          as "rallyingCry"`,
		[workshopId]
	);
	return row ?? { stories: 0, ballots: 0, rallyingCry: null };
}

/** A subject's latest vote with its ballots counted, read once and then shaped for each audience. */
export interface CountedVote {
	vote: votes.Vote;
	ballots: number;
	onBehalf: number;
	/** The tally, when one of the audiences it was counted for may see it. */
	result: Tally | null;
}

/** The facilitator may peek at any time; everyone else sees the result once it is revealed. */
const seesResult = (audience: Audience, vote: votes.Vote) =>
	audience === 'facilitator' || vote.status === 'revealed';

/** The latest vote on `subject`, tallied only if one of `audiences` may see the result. */
export async function countedVote(
	db: Handle,
	workshopId: string,
	subject: votes.VoteSubject,
	audiences: readonly Audience[]
): Promise<CountedVote | null> {
	const vote = await votes.latest(db, workshopId, subject);
	if (!vote) return null;
	const [cast] = await db.query<{ ballots: number; onBehalf: number }>(
		`select count(*)::int as ballots, (count(*) filter (where on_behalf))::int as "onBehalf"
		 from ballots where vote_id = $1`,
		[vote.id]
	);
	const tallied = audiences.some((audience) => seesResult(audience, vote));
	return {
		vote,
		ballots: cast?.ballots ?? 0,
		onBehalf: cast?.onBehalf ?? 0,
		result: tallied ? await votes.count(db, vote) : null
	};
}

function voteView(counted: CountedVote | null, audience: Audience): VoteView | null {
	if (!counted) return null;
	const { id, method, dots, mayStack, options, status, winnerId } = counted.vote;
	return {
		id,
		method,
		dots,
		mayStack,
		options,
		status,
		winnerId,
		ballots: counted.ballots,
		onBehalf: counted.onBehalf,
		result: seesResult(audience, counted.vote) ? counted.result : null,
		labels: counted.vote.result?.labels ?? null
	};
}

const visibleTo = (audience: Audience) => (audience === 'facilitator' ? '' : 'and not hidden');

/** The rallying cries and their latest vote. */
export async function exciteState(
	db: Handle,
	workshopId: string,
	audience: Audience,
	// Given when one count serves several audiences (a delta); else read for this one.
	counted: CountedVote | null | Promise<CountedVote | null> = countedVote(db, workshopId, 'rallying_cry', [
		audience
	])
): Promise<ExciteState> {
	const vote = voteView(await counted, audience); // first: the default starts a read of its own
	const cries = await db.query<CryView>(
		`select id, text, proposals, hidden from rallying_cries where workshop_id = $1 ${visibleTo(audience)}
		 order by created_at, id`,
		[workshopId]
	);
	return { cries, vote };
}

/** The obstacles with their fixes, their dot vote, and the actions. */
export async function growState(
	db: Handle,
	workshopId: string,
	audience: Audience,
	// Given when one count serves several audiences (a delta); else read for this one.
	counted: CountedVote | null | Promise<CountedVote | null> = countedVote(db, workshopId, 'obstacles', [
		audience
	])
): Promise<GrowState> {
	const vote = voteView(await counted, audience); // first: the default starts a read of its own
	const obstacles = await db.query<ObstacleView>(
		`select o.id, o.text, o.from_story_id is not null as "fromStory", o.hidden,
		        coalesce((select array_agg(f.text order by f.created_at) from fixes f where f.obstacle_id = o.id), '{}') as fixes
		 from obstacles o where o.workshop_id = $1 ${visibleTo(audience)} order by o.created_at, o.id`,
		[workshopId]
	);
	const actions = await db.query<ActionView>(
		`select id, obstacle_id as "obstacleId", title, owner_name as "ownerName", to_char(due_on, 'YYYY-MM-DD') as "dueOn"
		 from action_items where workshop_id = $1 order by created_at`,
		[workshopId]
	);
	return { obstacles, vote, actions };
}

/** The drafts, amendments, closing check and phrases of the vision statement. */
export async function visionState(db: Handle, workshopId: string, audience: Audience): Promise<VisionState> {
	const versions = await db.query<{ version: number; body: string }>(
		`select version, body from vision_versions where workshop_id = $1 order by version`,
		[workshopId]
	);
	const amendments = await db.query<AmendmentView>(
		`select id, target, proposed, status from vision_amendments where workshop_id = $1 order by created_at`,
		[workshopId]
	);
	const counted = await db.query<{ version: number; stance: keyof CheckTally; count: number }>(
		`select version, stance, count(*)::int as count from vision_checks where workshop_id = $1
		 group by version, stance order by version desc`,
		[workshopId]
	);
	const current = versions.at(-1)?.version ?? null;
	const reasons =
		audience === 'facilitator' && current !== null
			? await db.query<{ reason: string }>(
					`select reason from vision_checks where workshop_id = $1 and version = $2 and reason is not null
					 order by updated_at`,
					[workshopId, current]
				)
			: [];
	// "Heard", "heard." and " heard " are one phrase (phrases.normalized), shown in its most common spelling.
	const phrases =
		audience === 'participant'
			? []
			: await db.query<{ text: string; count: number }>(
					`select (array_agg(spelling order by given desc, first))[1] as text, sum(given)::int as count
					 from (select normalized, regexp_replace(regexp_replace(text, '^\\s+|\\s+$', '', 'g'), '\\s+', ' ', 'g') as spelling,
					              count(*) as given, min(created_at) as first
					       from phrases where workshop_id = $1 and not hidden group by 1, 2) spellings
					 group by normalized order by count desc, min(first) limit 40`,
					[workshopId]
				);
	const tallies = new Map<number, CheckTally>();
	for (const { version, stance, count } of counted) {
		const tally = tallies.get(version) ?? { agree: 0, abstain: 0, disagree: 0 };
		tally[stance] = count;
		tallies.set(version, tally);
	}
	const latestTally = (current !== null && tallies.get(current)) || { agree: 0, abstain: 0, disagree: 0 };
	return {
		versions: versions.map((row) => ({ ...row, html: renderMarkdown(row.body) })),
		amendments,
		checks: { ...latestTally, version: current, reasons: reasons.map((row) => row.reason) },
		earlierChecks: [...tallies]
			.filter(([version]) => version !== current)
			.map(([version, tally]) => ({ version, ...tally })),
		phrases
	};
}

export async function snapshot(db: Handle, workshopId: string, audience: Audience): Promise<Snapshot | null> {
	return db.transaction(async (tx) => {
		const state = await workshopState(tx, workshopId);
		if (!state) return null;
		return {
			version: state.version,
			serverNow: new Date().toISOString(),
			workshop: state.workshop,
			room: audience === 'participant' ? null : await roomState(tx, workshopId, audience, state.workshop),
			me: null,
			stories: await wall(tx, workshopId, audience, state.workshop),
			grow: await growState(tx, workshopId, audience),
			excite: await exciteState(tx, workshopId, audience),
			vision: await visionState(tx, workshopId, audience)
		};
	});
}

/**
 * The deltas for one announcement, computed once per audience. Participants hear of changes to the
 * workshop itself (stage, lock, timer…) and to the wall of stories; the screen and the facilitator
 * also follow the room.
 */
export async function deltasFor(
	db: Handle,
	workshopId: string,
	change: Announcement
): Promise<Record<Audience, Delta> | null> {
	const state = await workshopState(db, workshopId);
	if (!state) return null;
	const base = { version: change.v, serverNow: new Date().toISOString() };
	const participant: Delta = { ...base };
	const screen: Delta = { ...base };
	const facilitator: Delta = { ...base };
	const room = [screen, facilitator];
	const audiences = [
		['participant', participant],
		['screen', screen],
		['facilitator', facilitator]
	] as const;

	switch (change.what) {
		case 'workshop': {
			participant.workshop = screen.workshop = facilitator.workshop = state.workshop;
			screen.room = await roomState(db, workshopId, 'screen', state.workshop);
			facilitator.room = await roomState(db, workshopId, 'facilitator', state.workshop);
			break;
		}
		case 'joined': {
			const [row] = await db.query<{ joined: number; name: string | null }>(
				`select (select count(*)::int from participants where workshop_id = $1) as joined,
				        (select display_name from participants where id = $2) as name`,
				[workshopId, change.ref]
			);
			for (const delta of room) {
				delta.room = { joined: row?.joined ?? 0 };
				delta.arrived = row?.name ?? null;
			}
			break;
		}
		case 'mood': {
			const counts = await moodCounts(db, workshopId);
			const [line] = change.ref
				? await db.query<MoodLine>(`select id, score, line from moods where id = $1 and line is not null`, [
						change.ref
					])
				: [];
			for (const delta of room) delta.room = { moodCounts: counts };
			if (line) {
				facilitator.moodLine = line;
				if (showsPosts('screen', state.workshop)) screen.moodLine = line;
			}
			break;
		}
		case 'story': {
			const card = change.ref ? await stories.card(db, change.ref) : null;
			const gone = change.ref ?? undefined;
			if (card) facilitator.story = card;
			else facilitator.storyGone = gone;
			for (const delta of [participant, screen]) {
				if (card && !card.hidden && showsPosts('screen', state.workshop)) delta.story = card;
				else delta.storyGone = gone;
			}
			break;
		}
		case 'reaction': {
			if (!change.ref) break;
			const reactions = { storyId: change.ref, counts: await stories.reactionCounts(db, change.ref) };
			participant.reactions = screen.reactions = facilitator.reactions = reactions;
			break;
		}
		case 'wall': {
			screen.stories = await wall(db, workshopId, 'screen', state.workshop);
			participant.stories = screen.stories.slice(0, STORIES_SHOWN.participant);
			facilitator.stories = await wall(db, workshopId, 'facilitator', state.workshop);
			break;
		}
		case 'cry': {
			const cryVote = await countedVote(db, workshopId, 'rallying_cry', AUDIENCES);
			for (const [audience, delta] of audiences)
				delta.excite = await exciteState(db, workshopId, audience, cryVote);
			break;
		}
		case 'vision': {
			for (const [audience, delta] of audiences) delta.vision = await visionState(db, workshopId, audience);
			break;
		}
		case 'phrase': {
			for (const [audience, delta] of audiences.slice(1))
				delta.vision = await visionState(db, workshopId, audience);
			break;
		}
		case 'obstacle':
		case 'action': {
			const obstacleVote = await countedVote(db, workshopId, 'obstacles', AUDIENCES);
			for (const [audience, delta] of audiences)
				delta.grow = await growState(db, workshopId, audience, obstacleVote);
			break;
		}
		case 'vote': {
			const obstacleVote = await countedVote(db, workshopId, 'obstacles', AUDIENCES);
			const cryVote = await countedVote(db, workshopId, 'rallying_cry', AUDIENCES);
			for (const [audience, delta] of audiences) {
				delta.grow = await growState(db, workshopId, audience, obstacleVote);
				delta.excite = await exciteState(db, workshopId, audience, cryVote);
			}
			break;
		}
		case 'ballot': {
			// Phones need no count of ballots as they arrive; the screen and the facilitator do, and
			// only for the vote's own subject, counted once for both.
			const [vote] = change.ref
				? await db.query<{ subject: votes.VoteSubject }>(`select subject from votes where id = $1`, [
						change.ref
					])
				: [];
			const subject = vote?.subject ?? 'rallying_cry';
			const counted = await countedVote(db, workshopId, subject, ROOM);
			for (const [audience, delta] of audiences.slice(1)) {
				if (subject === 'obstacles') delta.grow = await growState(db, workshopId, audience, counted);
				else delta.excite = await exciteState(db, workshopId, audience, counted);
			}
			break;
		}
		case 'ready': {
			const ready = await readyCount(db, workshopId);
			for (const delta of room) delta.room = { ready };
			break;
		}
	}
	return { participant, screen, facilitator };
}
