// A person's own vision of customer excellence, with an optional commitment: written from the stage
// the facilitator chose, shared as far as they choose, and theirs to read and print afterwards,
// on this phone or through a link they keep.
import { phone, phoneAction } from '$lib/server/http/phone';
import * as personalVisions from '$lib/server/personalVisions';
import { parseForm, text } from '$lib/validation';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';

const Vision = v.object({
	vision: text('Your vision', 1, personalVisions.PERSONAL_VISION_MAX),
	commitment: v.optional(
		v.union([v.literal(''), text('Your commitment', 1, personalVisions.COMMITMENT_MAX)]),
		''
	),
	consent: v.picklist(personalVisions.VISION_CONSENTS, 'Choose who may read it.')
});

export const load: PageServerLoad = async (event) => {
	const { participant, db } = phone(event);
	return db.transaction(async (tx) => ({
		code: participant.joinCode,
		mine: await personalVisions.mine(tx, participant),
		closed: await personalVisions.closedReason(tx, participant.workshopId)
	}));
};

export const actions: Actions = {
	save: phoneAction({
		form: 'save',
		parse: (form) => parseForm(form, Vision),
		run: async (db, participant, { vision, commitment, consent }) => {
			await personalVisions.save(db, participant, { vision, commitment: commitment || null, consent });
			return { posted: 'vision' };
		}
	}),
	link: async (event) => {
		const { db } = phone(event);
		const token = await personalVisions.newLink(db);
		return { link: token && `${event.url.origin}/v/${token}` };
	}
};
