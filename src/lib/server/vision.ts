// The vision statement. In Dream, phones add phrases ("our customers should feel …"). In Excite,
// the facilitator writes drafts (every saved version is kept, each on top of the one before), phones
// propose amendments that the facilitator accepts, works in by hand or declines, and everyone gives
// a closing check on the latest version.
import { applyAmendment } from '$lib/vision';
import type { Handle } from './db';
import type { Row } from './db/rows';
import { closedReason, PostingClosedError, refusedWhenClosed } from './posting';
import type { Participant } from './participants';

export const VISION_MAX = 2000;
/** The word limit the panel shows live: a vision people can repeat is short. */
export const VISION_WORD_LIMIT = 40;
export const PHRASE_MAX = 80;

export type Stance = 'agree' | 'abstain' | 'disagree';
export type Decision = 'accepted' | 'declined';

/** Far past any real workshop's drafts, and well inside the column's range (version + 1 must fit). */
export const VERSION_MAX = 100_000;

export type Draft = Pick<Row<'vision_versions'>, 'version' | 'body'>;

/** A participant's closing check on one version of the draft. */
type Check = Pick<Row<'vision_checks'>, 'version' | 'stance' | 'reason'>;

/**
 * What became of a save: the new version; or, when it started from a version that is no longer the
 * latest, the latest one (nothing was saved); or null when the caller may not save.
 */
export type SaveOutcome = { saved: number } | { stale: Draft | null } | null;

export function addPhrase(db: Handle, me: Participant, text: string): Promise<unknown> {
	return refusedWhenClosed(db, me.workshopId, 'dream', () =>
		db.query(`insert into phrases (workshop_id, participant_id, text) values ($1, $2, $3)`, [
			me.workshopId,
			me.id,
			text
		])
	);
}

export async function latest(db: Handle, workshopId: string): Promise<Draft | null> {
	const [row] = await db.query<Draft>(
		`select version, body from vision_versions where workshop_id = $1 order by version desc limit 1`,
		[workshopId]
	);
	return row ?? null;
}

/** Inserts version `base + 1`; the database refuses it (23505, 23503) unless `base` is the latest. */
async function insertVersion(
	tx: Handle,
	workshopId: string,
	base: number,
	body: string
): Promise<number | null> {
	const [row] = await tx.query<Pick<Row<'vision_versions'>, 'version'>>(
		`insert into vision_versions (workshop_id, version, body, created_by)
		 select $1, $2::int + 1, $3, (select auth.uid()) where app.drives($1) and app.is_live($1)
		 returning version`,
		[workshopId, base, body]
	);
	return row?.version ?? null;
}

function isStale(error: unknown): boolean {
	const code = (error as { code?: string }).code;
	return code === '23505' || code === '23503';
}

/**
 * Saves the facilitator's draft on top of version `base` (0 for the first), the version they started
 * from. `merges` names an amendment worked into it by hand: it is marked merged with the save.
 */
export async function saveDraft(
	db: Handle,
	workshopId: string,
	input: { body: string; base: number; merges?: string | null }
): Promise<SaveOutcome> {
	try {
		return await db.transaction(async (tx) => {
			const version = await insertVersion(tx, workshopId, input.base, input.body);
			if (version === null) return null;
			if (input.merges)
				await tx.query(
					`update vision_amendments set status = 'merged', decided_at = now()
					 where id = $2 and workshop_id = $1 and status = 'pending'`,
					[workshopId, input.merges]
				);
			return { saved: version };
		});
	} catch (error) {
		if (!isStale(error)) throw error;
		return { stale: await latest(db, workshopId) };
	}
}

/** Why a decision was not taken, in words for the panel. */
export class AmendmentRefusedError extends Error {}

/**
 * The facilitator decides an amendment. Accepting applies it to the latest draft as a new version;
 * declining sets it aside. False when it was decided already or the caller may not decide it.
 */
export async function decide(
	db: Handle,
	workshopId: string,
	amendmentId: string,
	decision: Decision
): Promise<boolean> {
	// A draft saved at the same moment takes the next number: apply the amendment to that one instead.
	for (let attempt = 0; ; attempt++) {
		try {
			return await db.transaction(async (tx) => {
				const [amendment] = await tx.query<Pick<Row<'vision_amendments'>, 'target' | 'proposed'>>(
					`update vision_amendments set status = $3, decided_at = now()
					 where id = $2 and workshop_id = $1 and status = 'pending' returning target, proposed`,
					[workshopId, amendmentId, decision]
				);
				if (!amendment) return false;
				if (decision === 'declined') return true;
				const current = await latest(tx, workshopId);
				const body = applyAmendment(current?.body ?? '', amendment.target, amendment.proposed);
				if (body === null)
					throw new AmendmentRefusedError(
						`“${amendment.target}” is no longer in the draft: work it in by hand, or decline it.`
					);
				if (body.length > VISION_MAX)
					throw new AmendmentRefusedError(
						`With this change the draft would be longer than ${VISION_MAX} characters: work it in by hand.`
					);
				// Not live (ended): throwing takes the decision back with the version it needed.
				if ((await insertVersion(tx, workshopId, current?.version ?? 0, body)) === null)
					throw new AmendmentRefusedError('This workshop is not live, so its draft cannot change.');
				return true;
			});
		} catch (error) {
			if (attempt >= 2 || !isStale(error)) throw error;
		}
	}
}

/** A participant proposes to change part of the draft (`target`), or all of it (target null). */
export function proposeAmendment(
	db: Handle,
	me: Participant,
	target: string | null,
	proposed: string
): Promise<unknown> {
	return refusedWhenClosed(db, me.workshopId, 'excite', () =>
		db.query(
			`insert into vision_amendments (workshop_id, participant_id, target, proposed) values ($1, $2, $3, $4)`,
			[me.workshopId, me.id, target, proposed]
		)
	);
}

/**
 * A participant's closing check on `version`, which must be the latest; changing it replaces their
 * earlier answer to that version (answers to earlier versions are kept), unless it is older (`seq`,
 * see `$lib/sequence`) than the answer it would replace.
 */
export async function setCheck(
	db: Handle,
	me: Participant,
	input: Check & { seq?: number | null }
): Promise<void> {
	try {
		await db.query(
			`insert into vision_checks (workshop_id, participant_id, version, stance, reason, seq)
			 values ($1, $2, $3, $4, $5, coalesce($6, app.now_ms()))
			 on conflict (workshop_id, participant_id, version) do update set stance = excluded.stance,
			   reason = excluded.reason, seq = excluded.seq, updated_at = now()`,
			[me.workshopId, me.id, input.version, input.stance, input.reason, input.seq ?? null]
		);
	} catch (error) {
		if ((error as { code?: string }).code !== '42501') throw error;
		const [state] = await db.query<{ open: boolean; latest: number | null }>(
			`select app.may_post($1, 'excite') as open, app.latest_vision($1) as latest`,
			[me.workshopId]
		);
		if (state?.open && state.latest === null)
			throw new PostingClosedError('There is no draft to answer yet.');
		if (state?.open && state.latest !== input.version)
			throw new PostingClosedError(
				`The draft has changed: version ${state.latest} is the latest. Read it again and give your answer to it.`
			);
		throw new PostingClosedError(await closedReason(db, me.workshopId, 'excite'));
	}
}

/** The participant's latest answer, to whichever version it was given. */
export async function myCheck(db: Handle, me: Participant): Promise<Check | null> {
	const [row] = await db.query<Check>(
		`select version, stance, reason from vision_checks where workshop_id = $1 and participant_id = $2
		 order by version desc limit 1`,
		[me.workshopId, me.id]
	);
	return row ?? null;
}
