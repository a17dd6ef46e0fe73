// Stories of good and bad service: the words, limits and shapes shared by server, phones and screen.

export type StoryKind = 'good' | 'bad';
export type Perspective = 'customer' | 'employee';
export type Consent = 'room' | 'library_anonymous' | 'library_named';
export type ReactionKind = 'heart' | 'clap' | 'wow' | 'sad' | 'idea';

export const STORY_LIMITS = { title: 120, body: 4000, feeling: 200, company: 120, theme: 40, themes: 12 };

/** Good and bad are told apart by icon and word as well as colour. */
export const KINDS: Record<StoryKind, { icon: string; label: string }> = {
	good: { icon: '👍', label: 'Good service' },
	bad: { icon: '👎', label: 'Bad service' }
};

export const PERSPECTIVES: Record<Perspective, string> = {
	customer: 'I was the customer',
	employee: 'I was serving the customer'
};

export const CONSENTS: Record<Consent, { label: string; hint: string }> = {
	room: { label: 'This room only', hint: 'Shown today, not kept in the library.' },
	library_anonymous: {
		label: 'Organisation library, anonymously',
		hint: 'Kept for leaders and future workshops, without your name.'
	},
	library_named: { label: 'Organisation library with my name', hint: 'Kept, with the name you joined with.' }
};

/** The starter vocabulary of themes; people may add their own tags too. */
export const THEMES = [
	'empathy',
	'speed',
	'ownership',
	'follow-through',
	'personal touch',
	'accountability',
	'clarity',
	'listening'
] as const;

export const REACTIONS: Record<ReactionKind, { icon: string; label: string }> = {
	heart: { icon: '❤️', label: 'Love it' },
	clap: { icon: '👏', label: 'Bravo' },
	wow: { icon: '😮', label: 'Wow' },
	sad: { icon: '😢', label: 'Ouch' },
	idea: { icon: '💡', label: 'Lesson here' }
};
export const REACTION_KINDS = Object.keys(REACTIONS) as ReactionKind[];

export type ReactionCounts = Partial<Record<ReactionKind, number>>;

/** A story as the room sees it: rendered, sanitised HTML and no author (the room is anonymous). */
export interface StoryCard {
	id: string;
	kind: StoryKind;
	perspective: Perspective;
	title: string;
	html: string;
	feeling: string | null;
	company: string | null;
	themes: string[];
	edited: boolean;
	/** Hidden by the facilitator (only the facilitator's view holds hidden stories). */
	hidden: boolean;
	/** Entered by the facilitator for someone without a phone. */
	onBehalf: boolean;
	createdAt: string;
	reactions: ReactionCounts;
}

/** A story as its author edits it: the markdown they wrote. */
export interface OwnStory {
	id: string;
	kind: StoryKind;
	perspective: Perspective;
	title: string;
	body: string;
	feeling: string | null;
	company: string | null;
	themes: string[];
	consent: Consent;
	hidden: boolean;
	edited: boolean;
}

/** Normalises free tags: lower case, single spaces, no duplicates, starter themes first. */
export function normaliseThemes(values: string[]): string[] {
	const seen = new Set<string>();
	for (const value of values) {
		const theme = value.trim().toLowerCase().replace(/\s+/g, ' ');
		if (theme) seen.add(theme);
	}
	return [...seen];
}
