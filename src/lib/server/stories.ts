// Dream: participants post good and bad service stories, edit or delete their own while Dream is
// open, and react to others'. Facilitators hide and spotlight them. Every rule is a row policy in
// the database; this module turns the refusals into words for a phone.
import type { OwnStory, ReactionCounts, ReactionKind, StoryCard } from '$lib/stories';
import type { Handle } from './db';
import type { Row } from './db/rows';
import { renderMarkdown } from './markdown';
import { closedReason, PostingClosedError } from './posting';
import type { Participant } from './participants';

/** What an author writes; the database adds the rest. */
export type StoryInput = Omit<OwnStory, 'id' | 'hidden' | 'edited'>;

/** The author's fields, in the order the statements below list their columns. */
const authored = (input: StoryInput) => [
	input.kind,
	input.perspective,
	input.title,
	input.body,
	input.feeling,
	input.company,
	input.themes,
	input.consent
];

export class StoryRefusedError extends Error {}

const INSUFFICIENT_PRIVILEGE = '42501';
const CHECK_VIOLATION = '23514';
const UNIQUE_VIOLATION = '23505';

function codeOf(error: unknown): string | undefined {
	return (error as { code?: string }).code;
}

/** Turns a refusal by the database into a message the author can act on. */
async function refused(db: Handle, me: Participant, error: unknown): Promise<never> {
	if (codeOf(error) === INSUFFICIENT_PRIVILEGE) {
		throw new PostingClosedError(await closedReason(db, me.workshopId, 'dream'));
	}
	if (codeOf(error) === CHECK_VIOLATION && /name/i.test((error as Error).message)) {
		throw new StoryRefusedError(
			'You joined without a name, so this story can go to the library anonymously or stay in the room.'
		);
	}
	throw error;
}

/** The id of the caller's story posted with this key, if any: a key someone else used finds nothing. */
async function postedWith(db: Handle, me: Participant, idempotencyKey: string): Promise<string | null> {
	const [row] = await db.query<Pick<Row<'stories'>, 'id'>>(
		`select s.id from stories s join story_authors a on a.story_id = s.id and a.participant_id = $3
		 where s.workshop_id = $1 and s.idempotency_key = $2`,
		[me.workshopId, idempotencyKey, me.id]
	);
	return row?.id ?? null;
}

/**
 * Posts a story. A retry with the same idempotency key (a post resent after a dropped connection)
 * stores nothing new and answers with the story already stored.
 */
export async function post(
	db: Handle,
	me: Participant,
	input: StoryInput,
	idempotencyKey: string
): Promise<{ id: string; created: boolean }> {
	const earlier = await postedWith(db, me, idempotencyKey);
	if (earlier) return { id: earlier, created: false };
	try {
		// Neither RETURNING nor ON CONFLICT: both are checked against the read policy, before the
		// author's link to the story exists. A parallel retry's unique violation says it is stored.
		await db.query(
			`insert into stories (workshop_id, kind, perspective, title, body, feeling, company, themes, consent, idempotency_key)
			 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			[me.workshopId, ...authored(input), idempotencyKey]
		);
	} catch (error) {
		if (codeOf(error) !== UNIQUE_VIOLATION) return refused(db, me, error);
		const stored = await postedWith(db, me, idempotencyKey);
		if (stored) return { id: stored, created: false };
		throw new StoryRefusedError('This story could not be posted. Please try again.');
	}
	const id = await postedWith(db, me, idempotencyKey);
	if (!id) throw new StoryRefusedError('This story could not be posted. Please try again.');
	return { id, created: true };
}

/**
 * The facilitator enters a story for someone without a phone. It is marked as entered on their
 * behalf; the name goes with it only if they chose the library with their name.
 */
export async function postOnBehalf(
	db: Handle,
	workshopId: string,
	input: StoryInput,
	name: string | null
): Promise<boolean> {
	const rows = await db.query(
		`insert into stories (workshop_id, kind, perspective, title, body, feeling, company, themes, consent,
		                      author_name, on_behalf, idempotency_key)
		 select $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, true, gen_random_uuid()
		 where app.drives($1) and app.is_live($1)
		 returning id`,
		[workshopId, ...authored(input), input.consent === 'library_named' ? name : null]
	);
	return rows.length === 1;
}

/** Edits the author's story while Dream is open; the database marks it edited. */
export async function edit(db: Handle, me: Participant, storyId: string, input: StoryInput): Promise<void> {
	let rows: unknown[];
	try {
		rows = await db.query(
			`update stories set kind = $2, perspective = $3, title = $4, body = $5, feeling = $6, company = $7,
			        themes = $8, consent = $9
			 where id = $1 returning id`,
			[storyId, ...authored(input)]
		);
	} catch (error) {
		return refused(db, me, error);
	}
	if (rows.length === 0) throw new PostingClosedError(await closedReason(db, me.workshopId, 'dream'));
}

/** Deletes the author's story while Dream is open. */
export async function remove(db: Handle, me: Participant, storyId: string): Promise<void> {
	const rows = await db.query(`delete from stories where id = $1 returning id`, [storyId]);
	if (rows.length === 0) throw new PostingClosedError(await closedReason(db, me.workshopId, 'dream'));
}

/** Adds or takes back one reaction; each kind counts once per participant and story. */
export async function react(
	db: Handle,
	me: Participant,
	storyId: string,
	kind: ReactionKind,
	on: boolean
): Promise<void> {
	try {
		if (on) {
			await db.query(
				`insert into reactions (story_id, participant_id, workshop_id, kind) values ($1, $2, $3, $4)
				 on conflict do nothing`,
				[storyId, me.id, me.workshopId, kind]
			);
		} else {
			await db.query(`delete from reactions where story_id = $1 and participant_id = $2 and kind = $3`, [
				storyId,
				me.id,
				kind
			]);
		}
	} catch (error) {
		if (codeOf(error) === INSUFFICIENT_PRIVILEGE) {
			throw new StoryRefusedError('You can react to other people’s stories while the workshop is live.');
		}
		throw error;
	}
}

/** The participant's own stories, as they wrote them, newest first. */
export async function mine(db: Handle, me: Participant): Promise<OwnStory[]> {
	return db.query<OwnStory>(
		`select s.id, s.kind, s.perspective, s.title, s.body, s.feeling, s.company, s.themes, s.consent, s.hidden,
		        s.edited_at is not null as edited
		 from stories s join story_authors a on a.story_id = s.id and a.participant_id = $2
		 where s.workshop_id = $1 order by s.created_at desc`,
		[me.workshopId, me.id]
	);
}

/** The kinds of reaction the participant gave, per story. */
export async function myReactions(db: Handle, me: Participant): Promise<Record<string, ReactionKind[]>> {
	const rows = await db.query<{ story_id: string; kinds: ReactionKind[] }>(
		`select story_id, array_agg(kind order by kind) as kinds from reactions
		 where participant_id = $1 group by story_id`,
		[me.id]
	);
	return Object.fromEntries(rows.map((row) => [row.story_id, row.kinds]));
}

// Moderation (facilitators) -------------------------------------------------------------------------

/** Hides a story from the room (or shows it again); a hidden story leaves the spotlight. */
export async function setHidden(
	db: Handle,
	workshopId: string,
	storyId: string,
	hidden: boolean
): Promise<boolean> {
	return db.transaction(async (tx) => {
		const rows = await tx.query(
			`update stories set hidden = $3 where id = $2 and workshop_id = $1 and app.drives($1) returning id`,
			[workshopId, storyId, hidden]
		);
		if (hidden && rows.length) {
			await tx.query(
				`update workshops set spotlight_story_id = null where id = $1 and spotlight_story_id = $2`,
				[workshopId, storyId]
			);
		}
		return rows.length === 1;
	});
}

/** Puts one of the workshop's stories in the spotlight on the screen, or clears it (null). */
export async function spotlight(db: Handle, workshopId: string, storyId: string | null): Promise<boolean> {
	const rows = await db.query(
		`update workshops set spotlight_story_id = $2
		 where id = $1 and status <> 'ended'
		   and ($2::uuid is null or exists (select 1 from stories s where s.id = $2 and s.workshop_id = $1))
		 returning id`,
		[workshopId, storyId]
	);
	return rows.length === 1;
}

/**
 * Puts the next visible story in the spotlight: the one posted just before the story in it now,
 * newest first, wrapping round to the newest. The new story's id, or null when there is none to show.
 */
export async function spotlightNext(db: Handle, workshopId: string): Promise<string | null> {
	const [row] = await db.query<{ id: string | null }>(
		`with visible as (
		   select id, created_at from stories where workshop_id = $1 and not hidden
		 ), shown as (
		   select s.id, s.created_at from workshops w join stories s on s.id = w.spotlight_story_id where w.id = $1
		 )
		 update workshops set spotlight_story_id = coalesce(
		   (select v.id from visible v, shown
		    where (v.created_at, v.id) < (shown.created_at, shown.id) order by v.created_at desc, v.id desc limit 1),
		   (select v.id from visible v order by v.created_at desc, v.id desc limit 1))
		 where id = $1 and status <> 'ended' and exists (select 1 from visible)
		 returning spotlight_story_id as id`,
		[workshopId]
	);
	return row?.id ?? null;
}

// Cards for the room (read by the realtime hub on the owner connection) ---------------------------

/** A card as the database gives it: the markdown, and the times a card turns into words. */
type CardRow = Omit<StoryCard, 'html' | 'edited' | 'createdAt'> &
	Pick<Row<'stories'>, 'body' | 'edited_at' | 'created_at'>;

const CARD_COLUMNS = `s.id, s.kind, s.perspective, s.title, s.body, s.feeling, s.company, s.themes, s.hidden,
	s.on_behalf as "onBehalf", s.edited_at, s.created_at, ${reactionCountsSql('s.id')} as reactions`;

function reactionCountsSql(storyId: string): string {
	return `coalesce((select jsonb_object_agg(k.kind, k.n) from
		(select r.kind, count(*)::int as n from reactions r where r.story_id = ${storyId} group by r.kind) k), '{}')`;
}

// Rendering is pure, and the same stories go to every stream that connects: keep recent results.
const rendered = new Map<string, string>();
const RENDERED_KEPT = 2000;

function html(markdown: string): string {
	const kept = rendered.get(markdown);
	if (kept !== undefined) return kept;
	const result = renderMarkdown(markdown);
	const oldest = rendered.keys().next();
	if (rendered.size >= RENDERED_KEPT && !oldest.done) rendered.delete(oldest.value);
	rendered.set(markdown, result);
	return result;
}

function toCard(row: CardRow): StoryCard {
	return {
		id: row.id,
		kind: row.kind,
		perspective: row.perspective,
		title: row.title,
		html: html(row.body),
		feeling: row.feeling,
		company: row.company,
		themes: row.themes,
		edited: row.edited_at !== null,
		hidden: row.hidden,
		onBehalf: row.onBehalf,
		createdAt: row.created_at.toISOString(),
		reactions: row.reactions
	};
}

/** The wall, newest first: the stories of the workshop the caller may read (see the stories policy). */
export async function cards(db: Handle, workshopId: string, limit: number): Promise<StoryCard[]> {
	const rows = await db.query<CardRow>(
		`select ${CARD_COLUMNS} from stories s where s.workshop_id = $1 order by s.created_at desc, s.id limit $2`,
		[workshopId, limit]
	);
	return rows.map(toCard);
}

export async function card(db: Handle, storyId: string): Promise<StoryCard | null> {
	const [row] = await db.query<CardRow>(`select ${CARD_COLUMNS} from stories s where s.id = $1`, [storyId]);
	return row ? toCard(row) : null;
}

export async function reactionCounts(db: Handle, storyId: string): Promise<ReactionCounts> {
	const [row] = await db.query<{ counts: ReactionCounts }>(`select ${reactionCountsSql('$1')} as counts`, [
		storyId
	]);
	return row?.counts ?? {};
}
