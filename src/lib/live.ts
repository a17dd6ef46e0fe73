// Everything that travels over the live stream, typed once for server and browsers.
import { reached, type Stage } from './stages';
import type { ReactionCounts, StoryCard } from './stories';
import type { Tally, VoteMethod } from './tally';

export type Audience = 'participant' | 'screen' | 'facilitator';
export const AUDIENCES: readonly Audience[] = ['participant', 'screen', 'facilitator'];

export interface Timer {
	/** When a running timer reaches zero (ISO time), or null. */
	endsAt: string | null;
	/** Milliseconds left on a paused timer, or null. */
	pausedMs: number | null;
}

/** The workshop state every audience sees. */
export interface WorkshopState {
	title: string;
	teamName: string | null;
	joinCode: string;
	/** The organisation's locale, for dates (e.g. en-GB). */
	locale: string;
	status: 'draft' | 'live' | 'ended';
	stage: Stage;
	prompt: string;
	postingLocked: boolean;
	/** The facilitator closed joining: new phones are refused, those in are unaffected. */
	joiningClosed: boolean;
	hiddenUntilReveal: boolean;
	timer: Timer;
	/** The story wall on the screen: paused by the facilitator, and how many pages they stepped it. */
	wall: { paused: boolean; step: number };
	/** The story shown full-screen, or null. */
	spotlight: StoryCard | null;
	/** The stage from which each person may write their own vision (and for the rest of the workshop). */
	personalVisionStage: 'dream' | 'excite';
	/** The facilitator put the wall of personal visions on the screen (see visionWallShown). */
	visionsOnScreen: boolean;
}

/**
 * Whether the screen shows the wall of personal visions in place of the stage's scene: while the
 * workshop is live and they are open (a new stage takes the wall off again).
 */
export function visionWallShown(workshop: WorkshopState): boolean {
	return (
		workshop.visionsOnScreen &&
		workshop.status === 'live' &&
		reached(workshop.stage, workshop.personalVisionStage)
	);
}

export interface MoodLine {
	id: string;
	score: number;
	line: string | null;
}

/** What the room has produced, as the screen and facilitator see it. */
export interface RoomState {
	joined: number;
	/** Connected in the last minute (facilitator only; 0 elsewhere). */
	connected: number;
	/** Newest first; display names only for those who gave one. */
	names: string[];
	/** Who is in the room, newest first, at most PEOPLE_LISTED (facilitator only, to remove someone). */
	people: Person[];
	ready: number;
	/** Count of moods by score, index 0 = score 1. */
	moodCounts: number[];
	/** Newest first; empty while posts are hidden until a reveal (except for the facilitator). */
	moodLines: MoodLine[];
	/** What the closing slide counts: from Wrap-up on, and once the workshop has ended; else null. */
	closing: ClosingState | null;
	/** The personal visions shared with the room or beyond (never private ones), newest first. */
	personalVisions: SharedVisionCard[];
}

/** A personal vision on the screen's wall: the writer's name only where they showed it. */
export interface SharedVisionCard {
	id: string;
	vision: string;
	commitment: string | null;
	writer: string | null;
	/** Hidden by the facilitator: only they read it (and its writer, on their phone). */
	hidden: boolean;
	createdAt: string;
	updatedAt: string;
}

/** Someone in the room, as the facilitator's list of people shows them (null: no name given). */
export interface Person {
	id: string;
	name: string | null;
}

/** How much the room made, and what it chose, for the closing slide. */
export interface ClosingState {
	/** Stories on the wall (not those hidden by the facilitator). */
	stories: number;
	/** Ballots cast, over every vote of the workshop. */
	ballots: number;
	/** The rallying cry the room chose, or null. */
	rallyingCry: string | null;
}

/** What a phone knows about its own participation. */
export interface MeState {
	displayName: string | null;
	mood: { score: number; line: string | null } | null;
	readyStages: Stage[];
}

export interface Snapshot {
	version: number;
	serverNow: string;
	workshop: WorkshopState;
	room: RoomState | null;
	me: MeState | null;
	/** The wall, newest first: visible stories (all of them, with hidden ones, for the facilitator). */
	stories: StoryCard[];
	grow: GrowState;
	excite: ExciteState;
	vision: VisionState;
}

export interface CryView {
	id: string;
	text: string;
	/** How many times it was proposed (duplicates merge into one cry). */
	proposals: number;
	/** Hidden by the facilitator (only the facilitator's view holds hidden cries). */
	hidden: boolean;
}

export interface VoteView {
	id: string;
	method: VoteMethod;
	dots: number;
	mayStack: boolean;
	/** A runoff's options; empty means every cry. */
	options: string[];
	status: 'open' | 'closed' | 'revealed';
	winnerId: string | null;
	/** Ballots cast so far. */
	ballots: number;
	/** Of which the facilitator entered for someone without a phone. */
	onBehalf: number;
	/** The count: for the facilitator at any time (a peek), for everyone once revealed (then frozen). */
	result: Tally | null;
	/** The options' words as they were at the reveal (frozen with the result); null before it. */
	labels: Record<string, string> | null;
}

/** Excite: the proposed rallying cries and the latest vote on them. */
export interface ExciteState {
	cries: CryView[];
	vote: VoteView | null;
}

export interface ObstacleView {
	id: string;
	text: string;
	/** Turned from a bad story. */
	fromStory: boolean;
	/** Hidden by the facilitator (only the facilitator's view holds hidden obstacles). */
	hidden: boolean;
	fixes: string[];
}

export interface ActionView {
	id: string;
	obstacleId: string | null;
	title: string;
	ownerName: string;
	dueOn: string | null;
}

/** Grow: the obstacles, their dot vote, and the actions agreed. */
export interface GrowState {
	obstacles: ObstacleView[];
	vote: VoteView | null;
	actions: ActionView[];
}

export interface VisionVersion {
	version: number;
	body: string;
	html: string;
}

export interface AmendmentView {
	id: string;
	/** The words it would replace; null for the whole statement. */
	target: string | null;
	proposed: string;
	status: 'pending' | 'accepted' | 'merged' | 'declined';
}

export interface CheckTally {
	agree: number;
	abstain: number;
	disagree: number;
}

/** The vision statement as it is being written. */
export interface VisionState {
	/** Every saved draft, oldest first. */
	versions: VisionVersion[];
	amendments: AmendmentView[];
	/** The closing check on the latest version (`version`, null before any draft); reasons go to the facilitator only. */
	checks: CheckTally & { version: number | null; reasons: string[] };
	/** The answers given to earlier versions, newest version first: kept, and shown as such. */
	earlierChecks: (CheckTally & { version: number })[];
	/** Dream's "our customers should feel …" phrases, grouped, most given first (screen, facilitator). */
	phrases: { text: string; count: number }[];
}

/** A change since `version - 1`. Fields present replace the client's copy. */
export interface Delta {
	version: number;
	/**
	 * Set when the versions after `since` and before `version` changed nothing this audience sees
	 * (they were not sent): a client at any version from `since` on can apply this delta.
	 */
	since?: number;
	serverNow: string;
	workshop?: WorkshopState;
	room?: Partial<RoomState>;
	me?: MeState;
	/** A new mood line for the wall (screen, facilitator). */
	moodLine?: MoodLine;
	/** A new arrival's name for the lobby (screen, facilitator). */
	arrived?: string | null;
	/** A story posted or changed: add it or replace the copy with this id. */
	story?: StoryCard;
	/** A story deleted, or no longer visible to this audience. */
	storyGone?: string;
	/** A personal vision shared or changed: add it or replace the copy with this id (screen, facilitator). */
	personalVision?: SharedVisionCard;
	/** A personal vision withdrawn, or no longer shared. */
	personalVisionGone?: string;
	/** A story's reactions changed. */
	reactions?: { storyId: string; counts: ReactionCounts };
	/** The whole wall changed (posts revealed or hidden again). */
	stories?: StoryCard[];
	grow?: GrowState;
	excite?: ExciteState;
	/** A vote's ballots changed: it replaces the vote with its id, Grow's or Excite's. */
	recounted?: VoteView;
	vision?: VisionState;
}

/** True for a delta that only moves the version on (nothing in it for its audience). */
export function changesNothing(delta: Delta): boolean {
	return Object.keys(delta).every((key) => key === 'version' || key === 'since' || key === 'serverNow');
}

/** Whether a client at `version` can apply `delta`: it follows on, perhaps across held versions. */
export function follows(delta: Delta, version: number): boolean {
	return (delta.since ?? delta.version - 1) <= version;
}

/** Unversioned: how many phones are connected now (facilitator). */
export interface Presence {
	connected: number;
}

/** The last event of a stream whose access has ended (a screen link turned off, a member removed). */
export interface StreamEnded {
	reason: string;
}

export const NAMES_SHOWN = 60;
export const PEOPLE_LISTED = 200;
export const MOOD_LINES_SHOWN = 40;
/**
 * Newest first, at most this many stories: a phone's wall is for reading the latest; the screen
 * pages through all of them, and the facilitator moderates all of them.
 */
export const STORIES_SHOWN: Record<Audience, number> = { participant: 60, screen: 2000, facilitator: 2000 };
/** Newest first, at most this many personal visions (one a person: a bound that a room never meets). */
export const PERSONAL_VISIONS_SHOWN = 1000;
