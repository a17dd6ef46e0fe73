// The vision statement. In Dream, phones add phrases ("our customers should feel …"). In Excite,
// the facilitator writes drafts (every saved version is kept), phones propose amendments that the
// facilitator accepts, merges or declines, and everyone gives a closing check.
import type { Handle } from './db';
import { refusedWhenClosed } from './moods';
import type { Participant } from './participants';

export const VISION_MAX = 2000;
/** The word limit the panel shows live: a vision people can repeat is short. */
export const VISION_WORD_LIMIT = 40;
export const PHRASE_MAX = 80;

export type Stance = 'agree' | 'abstain' | 'disagree';
export type Decision = 'accepted' | 'merged' | 'declined';

export function addPhrase(db: Handle, me: Participant, text: string): Promise<unknown> {
	return refusedWhenClosed(db, me.workshopId, 'dream', () =>
		db.query(`insert into phrases (workshop_id, participant_id, text) values ($1, $2, $3)`, [
			me.workshopId,
			me.id,
			text
		])
	);
}

/** Saves the facilitator's draft as the next version; null when the caller may not. */
export async function saveDraft(db: Handle, workshopId: string, body: string): Promise<number | null> {
	for (let attempt = 0; attempt < 3; attempt++) {
		try {
			const [row] = await db.query<{ version: number }>(
				`insert into vision_versions (workshop_id, version, body, created_by)
				 select $1, coalesce((select max(version) from vision_versions where workshop_id = $1), 0) + 1, $2,
				        (select auth.uid())
				 where app.drives($1) and app.is_live($1)
				 returning version`,
				[workshopId, body]
			);
			return row?.version ?? null;
		} catch (error) {
			// Two drafts saved at the same moment: the later one takes the next number.
			if ((error as { code?: string }).code !== '23505') throw error;
		}
	}
	return null;
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
 * The facilitator decides an amendment. Accepting applies it to the latest draft as a new version
 * (its words replace the target, or the whole text); merging means it was worked in by hand.
 */
export async function decide(
	db: Handle,
	workshopId: string,
	amendmentId: string,
	decision: Decision
): Promise<boolean> {
	return db.transaction(async (tx) => {
		const [amendment] = await tx.query<{ target: string | null; proposed: string }>(
			`update vision_amendments set status = $3, decided_at = now()
			 where id = $2 and workshop_id = $1 and status = 'pending' returning target, proposed`,
			[workshopId, amendmentId, decision]
		);
		if (!amendment) return false;
		if (decision !== 'accepted') return true;
		const [latest] = await tx.query<{ body: string }>(
			`select body from vision_versions where workshop_id = $1 order by version desc limit 1`,
			[workshopId]
		);
		const current = latest?.body ?? '';
		const { target, proposed } = amendment;
		const body = target && current.includes(target) ? current.replace(target, proposed) : proposed;
		return (await saveDraft(tx, workshopId, body.slice(0, VISION_MAX))) !== null;
	});
}

/** A participant's closing check on the vision; changing it replaces the earlier one. */
export function setCheck(
	db: Handle,
	me: Participant,
	stance: Stance,
	reason: string | null
): Promise<unknown> {
	return refusedWhenClosed(db, me.workshopId, 'excite', () =>
		db.query(
			`insert into vision_checks (workshop_id, participant_id, stance, reason) values ($1, $2, $3, $4)
			 on conflict (workshop_id, participant_id) do update set stance = excluded.stance, reason = excluded.reason,
			   updated_at = now()`,
			[me.workshopId, me.id, stance, reason]
		)
	);
}

export async function myCheck(
	db: Handle,
	me: Participant
): Promise<{ stance: Stance; reason: string | null } | null> {
	const [row] = await db.query<{ stance: Stance; reason: string | null }>(
		`select stance, reason from vision_checks where workshop_id = $1 and participant_id = $2`,
		[me.workshopId, me.id]
	);
	return row ?? null;
}
