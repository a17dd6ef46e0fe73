import { loadPhonePage, phoneAction, readyAction, voteAction } from '$lib/server/http/phone';
import * as rallyingCries from '$lib/server/rallyingCries';
import * as vision from '$lib/server/vision';
import * as votes from '$lib/server/votes';
import { answerSeq, parseForm, text, wholeNumber } from '$lib/validation';
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
	version: wholeNumber(1, vision.VERSION_MAX, 'Unknown version.'),
	stance: v.picklist(['agree', 'abstain', 'disagree'], 'Choose agree, abstain or disagree.'),
	reason: v.optional(v.union([v.literal(''), text('Your reason', 1, 280)]), ''),
	seq: answerSeq
});

export const load: PageServerLoad = (event) =>
	loadPhonePage(event, async (db, participant) => {
		const vote = await votes.latest(db, participant.workshopId, 'rallying_cry');
		return {
			myBallot: vote ? await votes.myBallot(db, participant, vote.id) : null,
			myCheck: await vision.myCheck(db, participant)
		};
	});

export const actions: Actions = {
	propose: phoneAction({
		form: 'propose',
		parse: (form) => parseForm(form, Proposal),
		run: async (db, participant, { cry }) => {
			const { merged } = await rallyingCries.propose(db, participant, cry);
			return { posted: 'cry', merged };
		}
	}),
	vote: voteAction('rallying_cry'),
	amend: phoneAction({
		form: 'amend',
		parse: (form) => parseForm(form, Amendment),
		run: async (db, participant, { target, proposed }) => {
			await vision.proposeAmendment(db, participant, target || null, proposed);
			return { posted: 'amendment' };
		}
	}),
	check: phoneAction({
		form: 'check',
		parse: (form) => parseForm(form, Check),
		run: async (db, participant, { version, stance, reason, seq }) => {
			await vision.setCheck(db, participant, { version, stance, reason: reason || null, seq });
			return { posted: 'check' };
		}
	}),
	ready: readyAction
};
