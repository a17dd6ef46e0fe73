import { rejectForm } from '$lib/server/forms';
import { PostingClosedError } from '$lib/server/moods';
import { phone, readyAction, redirectToStage, refuse, refuseClosed, voteAction } from '$lib/server/phone';
import * as rallyingCries from '$lib/server/rallyingCries';
import * as vision from '$lib/server/vision';
import * as votes from '$lib/server/votes';
import { parseForm, text } from '$lib/validation';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';

const Proposal = v.object({
	cry: v.pipe(
		text('Your rallying cry', 1, rallyingCries.CRY_MAX),
		v.regex(/[\p{L}\p{N}]/u, 'A rallying cry needs at least one letter or number.')
	)
});

const Amendment = v.object({
	target: v.optional(v.union([v.literal(''), text('The words to change', 1, vision.VISION_MAX)]), ''),
	proposed: text('Your wording', 1, vision.VISION_MAX)
});
const Check = v.object({
	// The version the phone showed: an answer to an older one is refused.
	version: v.pipe(
		v.string(),
		v.transform(Number),
		v.integer('Unknown version.'),
		v.minValue(1, 'Unknown version.')
	),
	stance: v.picklist(['agree', 'abstain', 'disagree'], 'Choose agree, abstain or disagree.'),
	reason: v.optional(v.union([v.literal(''), text('Your reason', 1, 280)]), '')
});

export const load: PageServerLoad = async (event) => {
	const { code, snapshot } = await event.parent();
	redirectToStage(code, snapshot.workshop, event.url.pathname);
	const { participant, db } = phone(event);
	const vote = snapshot.excite.vote;
	return db.transaction(async (tx) => ({
		myBallot: vote ? await votes.myBallot(tx, participant, vote.id) : null,
		myCheck: await vision.myCheck(tx, participant)
	}));
};

export const actions: Actions = {
	propose: async (event) => {
		const { participant, db } = phone(event);
		const parsed = parseForm(await event.request.formData(), Proposal);
		if (!parsed.ok) return refuse('propose', 400, parsed.errors, parsed.values);
		try {
			const { merged } = await rallyingCries.propose(db, participant, parsed.data.cry);
			return { posted: 'cry', merged };
		} catch (err) {
			if (err instanceof PostingClosedError) return refuseClosed('propose', err, { cry: parsed.data.cry });
			throw err;
		}
	},
	vote: voteAction('rallying_cry'),
	amend: async (event) => {
		const { participant, db } = phone(event);
		const parsed = parseForm(await event.request.formData(), Amendment);
		if (!parsed.ok) return rejectForm(400, parsed.errors, parsed.values);
		try {
			await vision.proposeAmendment(db, participant, parsed.data.target || null, parsed.data.proposed);
		} catch (err) {
			// Keyed by the form, so the panel shows it beside the button that sent it.
			if (err instanceof PostingClosedError) return rejectForm(409, { amend: err.message }, parsed.data);
			throw err;
		}
		return { posted: 'amendment' };
	},
	check: async (event) => {
		const { participant, db } = phone(event);
		const parsed = parseForm(await event.request.formData(), Check);
		if (!parsed.ok) return rejectForm(400, parsed.errors, parsed.values);
		try {
			const { version, stance, reason } = parsed.data;
			await vision.setCheck(db, participant, { version, stance, reason: reason || null });
		} catch (err) {
			if (err instanceof PostingClosedError)
				return rejectForm(
					409,
					{ check: err.message },
					{ stance: parsed.data.stance, reason: parsed.data.reason }
				);
			throw err;
		}
		return { posted: 'check' };
	},
	ready: readyAction
};
