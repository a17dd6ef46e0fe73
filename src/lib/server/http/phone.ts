// What every page of a phone in a workshop shares: who the phone is, the page for each stage, and
// the "ready to move on" mark, which each stage's page offers.
import { normaliseJoinCode } from '$lib/joinCode';
import type { WorkshopState } from '$lib/live';
import { PHONE_DATA } from '$lib/phoneData';
import { STAGE_IDS, stagePath } from '$lib/stages';
import { parseForm, type FormErrors, type FormResult } from '$lib/validation';
import { error, fail, redirect, type RequestEvent, type ServerLoadEvent } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Handle } from '../db';
import { formValues } from './forms';
import * as participants from '../participants';
import { parseBallot } from './ballotForm';
import * as votes from '../votes';
import * as workshops from '../workshops';
import type { MyBallot } from '$lib/ballot';
import { overPostingLimit, PAUSED_REASON, PostingClosedError } from '../posting';

/** A phone in a workshop: the participant it is, and database access as that participant. */
export interface Phone {
	participant: participants.Participant;
	db: Handle;
}

/** The phone asking (resolved by the hooks from its cookie); to the join page if it has not joined. */
export function phone({ locals, params }: Pick<RequestEvent, 'locals' | 'params'>): Phone {
	const code = normaliseJoinCode(params.code ?? '');
	if (!code) error(404, 'That is not a workshop code.');
	const { participant, participantDb } = locals;
	if (!participant || !participantDb) redirect(303, `/j/${code}`);
	return { participant, db: participantDb };
}

/**
 * Sends a phone that loads a stage's page while the workshop is elsewhere to the right page
 * (phones without JavaScript land there on their next reload).
 */
export function redirectToStage(
	code: string,
	workshop: Pick<WorkshopState, 'stage' | 'status'>,
	pathname: string
): void {
	const path = stagePath(code, workshop.stage, workshop.status === 'ended');
	if (path !== pathname) redirect(303, path);
}

/**
 * Loads a stage's page for the phone asking: on the page for the workshop's stage (else there), the
 * stages it is ready in (the layout shows that mark), and what `mine` reads of its own, all in one
 * transaction as the participant. It never asks for the layout's data (`parent()` would rebuild the
 * live snapshot on the server), so a post reloads this alone (see `PHONE_DATA`).
 */
export async function loadPhonePage<Mine extends Record<string, unknown>>(
	event: ServerLoadEvent,
	mine: (db: Handle, participant: participants.Participant) => Promise<Mine>
): Promise<Mine & { readyStages: string[] }> {
	event.depends(PHONE_DATA);
	const { participant, db } = phone(event);
	return db.transaction(async (tx) => {
		const workshop = await workshops.stageOf(tx, participant.workshopId);
		if (!workshop) error(404, 'This workshop no longer exists.');
		redirectToStage(participant.joinCode, workshop, event.url.pathname);
		return { ...(await mine(tx, participant)), readyStages: await participants.readyStages(tx, participant) };
	});
}

/**
 * A phone's refused post, named by the form it came from (`action`), so the page shows the reason
 * beside the button that was pressed. `paused` marks a post refused while the facilitator had paused
 * posting: the page drops that reason once posting resumes.
 */
function refuse(
	action: string,
	status: number,
	errors: FormErrors,
	values: Record<string, string> = {},
	more: { paused?: boolean; ballot?: MyBallot | null } = {}
) {
	return fail(status, { errors, values, action, ...more });
}

/** A refusal because the stage is not open for posting (paused, moved on, ended). */
function refuseClosed(action: string, err: PostingClosedError, values: Record<string, string>) {
	return refuse(action, 409, { form: err.message }, values, { paused: err.message === PAUSED_REASON });
}

/** What makes one phone form's action; the rest is the same for every form. */
export interface PhoneForm<Input, Answer extends Record<string, unknown>> {
	/** The form's name: a refusal carries it, so the page shows the reason beside that form's button. */
	form: string;
	/** Checks every posted field (whatever a phone sends is untrusted), with words for each refusal. */
	parse: (form: FormData) => FormResult<Input>;
	/** Does what the form asks, as the participant; its answer is what the page shows after posting. */
	run: (db: Handle, participant: participants.Participant, input: Input) => Promise<Answer>;
	/** The domain's own refusals, answered 409 with their message (a closed stage always is). */
	refusals?: readonly (abstract new (...args: never[]) => Error)[];
}

/**
 * A phone's form action: the phone asking (else to the join page), its form checked (400 with the
 * words for each field), then `run` as the participant. A stage closed for posting, or one of
 * `refusals`, is answered 409 beside the form's button, a post over the phone's posting limits 429;
 * every refusal carries what was sent back, so nothing typed is lost.
 */
export function phoneAction<Input, Answer extends Record<string, unknown>>(spec: PhoneForm<Input, Answer>) {
	return async (event: RequestEvent) => {
		const { participant, db } = phone(event);
		const form = await event.request.formData();
		const parsed = spec.parse(form);
		if (!parsed.ok) return refuse(spec.form, 400, parsed.errors, parsed.values);
		try {
			return await spec.run(db, participant, parsed.data);
		} catch (err) {
			if (err instanceof PostingClosedError) return refuseClosed(spec.form, err, formValues(form));
			const overLimit = overPostingLimit(err);
			if (overLimit) return refuse(spec.form, 429, { form: overLimit }, formValues(form));
			if (spec.refusals?.some((refusal) => err instanceof refusal)) {
				return refuse(spec.form, 409, { form: (err as Error).message }, formValues(form));
			}
			throw err;
		}
	};
}

const Ready = v.object({
	stage: v.picklist(STAGE_IDS, 'Unknown stage.'),
	ready: v.picklist(['yes', 'no'])
});

/** "Ready to move on", offered on every stage's page. */
export const readyAction = phoneAction({
	form: 'ready',
	parse: (form) => parseForm(form, Ready),
	run: async (db, participant, { stage, ready }) => {
		await participants.setReady(db, participant, stage, ready === 'yes');
		return { posted: 'ready' };
	}
});

/**
 * Casts the ballot a form describes on the latest vote about `subject`: null when there is none,
 * else the form's errors or the ballot the database keeps. One transaction, so the identity is
 * switched once, not thrice.
 */
function castFromForm({ participant, db: asPhone }: Phone, subject: votes.VoteSubject, form: FormData) {
	return asPhone.transaction(async (db) => {
		const latest = await votes.latest(db, participant.workshopId, subject);
		if (!latest) return null;
		const parsed = parseBallot(form, latest, await votes.choices(db, latest.id));
		if (!parsed.ok) return parsed;
		return {
			ok: true as const,
			kept: await votes.cast(db, participant, latest.id, parsed.data.choices, parsed.data.seq)
		};
	});
}

/** The ballot the server holds for this phone on the latest vote about `subject`. */
async function standingBallot({ participant, db: asPhone }: Phone, subject: votes.VoteSubject) {
	return asPhone.transaction(async (db) => {
		const latest = await votes.latest(db, participant.workshopId, subject);
		return latest && votes.myBallot(db, participant, latest.id);
	});
}

/**
 * The action that casts (or replaces) a phone's ballot on the latest vote about `subject`. A refusal
 * carries the ballot the server still holds, so the phone shows that, not the attempt it refused.
 */
export function voteAction(subject: votes.VoteSubject) {
	return async (event: RequestEvent) => {
		const me = phone(event);
		const form = await event.request.formData();
		const refused = async (status: number, message: string) =>
			refuse('vote', status, { form: message }, {}, { ballot: await standingBallot(me, subject) });
		try {
			const outcome = await castFromForm(me, subject, form);
			if (!outcome) error(404, 'There is no vote to take part in.');
			// One reason, shown beside the button: a ballot's fields have no messages of their own.
			if (!outcome.ok) return refused(400, outcome.errors.form ?? Object.values(outcome.errors)[0]!);
			// The phone shows its ballot from this answer, so it need not reload its page after voting;
			// it is the ballot kept, which is newer than this one if this request arrived late.
			return { posted: 'ballot', ballot: outcome.kept };
		} catch (err) {
			if (err instanceof votes.BallotRefusedError) return refused(409, err.message);
			throw err;
		}
	};
}
