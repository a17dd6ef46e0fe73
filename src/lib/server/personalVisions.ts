// Personal visions: each person's own vision of customer excellence, with an optional personal
// commitment, shared as far as they choose (only themselves, the room, or the organisation). The
// policies decide who reads one; a link to keep lets its writer read it after the workshop.
import type { SharedVisionCard } from '$lib/live';
import type { Handle } from './db';
import type { Row } from './db/rows';
import type { Participant } from './participants';
import { PostingClosedError } from './posting';
import { hashToken, newToken } from './tokens';

export const VISION_CONSENTS = ['private', 'room', 'library_anonymous', 'library_named'] as const;
export type VisionConsent = (typeof VISION_CONSENTS)[number];
export const PERSONAL_VISION_MAX = 400;
export const COMMITMENT_MAX = 200;

export interface PersonalVision {
	vision: string;
	commitment: string | null;
	consent: VisionConsent;
}

/** A shared vision as others read it: the writer's name only where they gave it. */
export interface SharedVision {
	id: string;
	vision: string;
	commitment: string | null;
	writer: string | null;
}

/** Why a participant may not write now, in words for their phone (app.personal_vision_closed). */
const CLOSED: Record<string, string> = {
	ended: 'This workshop has ended: your vision can be read, not changed.',
	not_open: 'Personal visions open later in the workshop.',
	paused: 'The facilitator has paused posting for a moment.'
};

/** Why writing is closed for this workshop, or null while it is open. */
export async function closedReason(db: Handle, workshopId: string): Promise<string | null> {
	const [row] = await db.query<{ closed: string | null }>(`select app.personal_vision_closed($1) as closed`, [
		workshopId
	]);
	return row?.closed ? (CLOSED[row.closed] ?? CLOSED.not_open!) : null;
}

/** The writer's own vision, and whether the facilitator hid it from the room. */
export interface MyVision extends PersonalVision {
	hidden: boolean;
}

/** The participant's own vision, or null before they write one. */
export async function mine(db: Handle, participant: Participant): Promise<MyVision | null> {
	const [row] = await db.query<MyVision>(
		`select vision, commitment, consent, hidden from personal_visions where participant_id = $1`,
		[participant.id]
	);
	return row ?? null;
}

/** Writes (or rewrites) the participant's vision; refused, with the reason, once writing is closed. */
export async function save(db: Handle, participant: Participant, input: PersonalVision): Promise<void> {
	try {
		await db.query(
			`insert into personal_visions (workshop_id, participant_id, vision, commitment, consent, writer_name)
			 values ($1, $2, $3, $4, $5, case when $5 in ('room', 'library_named') then $6 end)
			 on conflict (participant_id) do update
			 set vision = excluded.vision, commitment = excluded.commitment, consent = excluded.consent,
			     writer_name = excluded.writer_name, updated_at = now()`,
			[
				participant.workshopId,
				participant.id,
				input.vision,
				input.commitment,
				input.consent,
				participant.displayName
			]
		);
	} catch (error) {
		if ((error as { code?: string }).code !== '42501') throw error;
		throw new PostingClosedError(
			(await closedReason(db, participant.workshopId)) ?? 'Your vision could not be saved.'
		);
	}
}

/**
 * A new link to the participant's vision, to keep: only its hash is stored, so it is shown once, and
 * a newer one replaces it. Null before they have written one.
 */
export async function newLink(db: Handle): Promise<string | null> {
	const token = newToken();
	const [row] = await db.query<{ linked: boolean | null }>(`select app.link_personal_vision($1) as linked`, [
		hashToken(token)
	]);
	return row?.linked ? token : null;
}

export interface LinkedVision {
	vision: string;
	commitment: string | null;
	writer: string | null;
	workshopTitle: string;
	workshopDate: string;
	orgName: string;
}

/** What a kept link opens (anyone holding it may read it), or null for an unknown link. Read on the system connection. */
export async function byLink(db: Handle, token: string): Promise<LinkedVision | null> {
	const [row] = await db.query<LinkedVision>(
		`select vision, commitment, writer, workshop_title as "workshopTitle",
		        to_char(workshop_date, 'YYYY-MM-DD') as "workshopDate", org_name as "orgName"
		 from app.personal_vision_by_link($1)`,
		[hashToken(token)]
	);
	return row ?? null;
}

/**
 * The shared visions of a workshop the caller may read (the policies decide: the room and its
 * facilitators read those for the room too, leaders only those shared with the organisation).
 */
export async function shared(db: Handle, workshopId: string): Promise<SharedVision[]> {
	return db.query<SharedVision>(
		`select id, vision, commitment, writer_name as writer from personal_visions
		 where workshop_id = $1 and consent <> 'private' and not hidden order by created_at`,
		[workshopId]
	);
}

type CardRow = Omit<SharedVisionCard, 'createdAt' | 'updatedAt'> &
	Pick<Row<'personal_visions'>, 'created_at' | 'updated_at'>;

const CARD = `select id, vision, commitment, writer_name as writer, hidden, created_at, updated_at from personal_visions`;

const toCard = ({ created_at, updated_at, ...card }: CardRow): SharedVisionCard => ({
	...card,
	createdAt: created_at.toISOString(),
	updatedAt: updated_at.toISOString()
});

/**
 * The screen's wall: the shared visions of a workshop the caller may read, newest first (the policy
 * decides who reads which: hidden ones only the facilitator; private ones stay out of the wall even
 * for their writer).
 */
export async function wall(db: Handle, workshopId: string, limit: number): Promise<SharedVisionCard[]> {
	const rows = await db.query<CardRow>(
		`${CARD} where workshop_id = $1 and consent <> 'private' order by created_at desc, id limit $2`,
		[workshopId, limit]
	);
	return rows.map(toCard);
}

/** One vision as the wall shows it, or null when it is gone, private, or not the caller's to read. */
export async function wallCard(db: Handle, id: string): Promise<SharedVisionCard | null> {
	const [row] = await db.query<CardRow>(`${CARD} where id = $1 and consent <> 'private'`, [id]);
	return row ? toCard(row) : null;
}

/**
 * Puts the wall of shared visions on the screen, in place of the stage's scene, or takes it off.
 * Only while the workshop is live and personal visions are open (a pause in posting keeps them open).
 */
export async function showOnScreen(db: Handle, workshopId: string, shown: boolean): Promise<boolean> {
	const rows = await db.query(
		`update workshops set visions_on_screen = $2
		 where id = $1 and status = 'live'
		   and (not $2 or coalesce(app.personal_vision_closed(id), 'open') in ('open', 'paused'))
		 returning id`,
		[workshopId, shown]
	);
	return rows.length === 1;
}

/** The facilitator hides a shared vision from the room, the charter and the organisation, or shows it again. */
export async function setHidden(
	db: Handle,
	workshopId: string,
	id: string,
	hidden: boolean
): Promise<boolean> {
	const rows = await db.query(
		`update personal_visions set hidden = $3 where workshop_id = $1 and id = $2 returning id`,
		[workshopId, id, hidden]
	);
	return rows.length === 1;
}

/** The facilitator chooses the stage personal visions open in (they stay open after it). */
export async function setStage(db: Handle, workshopId: string, stage: 'dream' | 'excite'): Promise<boolean> {
	const rows = await db.query(`update workshops set personal_vision_stage = $2 where id = $1 returning id`, [
		workshopId,
		stage
	]);
	return rows.length === 1;
}
