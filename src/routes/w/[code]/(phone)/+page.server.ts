import { MOOD_LINE_MAX } from '$lib/stages';
import * as moods from '$lib/server/moods';
import { loadPhonePage, phoneAction, readyAction } from '$lib/server/http/phone';
import { answerSeq, parseForm, text } from '$lib/validation';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';

const Mood = v.object({
	score: v.pipe(
		v.string(),
		v.transform(Number),
		v.integer('Pick how it left you feeling.'),
		v.minValue(1, 'Pick how it left you feeling.'),
		v.maxValue(5, 'Pick how it left you feeling.')
	),
	line: v.optional(v.union([v.literal(''), text('Your line', 1, MOOD_LINE_MAX)]), ''),
	seq: answerSeq
});

// The lobby and Explore (and, until they have pages of their own, Grow, Excite and Wrap-up).
export const load: PageServerLoad = (event) =>
	loadPhonePage(event, async (db, participant) => ({ mood: await moods.mine(db, participant) }));

export const actions: Actions = {
	mood: phoneAction({
		form: 'mood',
		parse: (form) => parseForm(form, Mood),
		run: async (db, participant, { score, line, seq }) => {
			// The answer carries the mood as stored, so the phone reloads nothing after posting it.
			const mood = await moods.post(db, participant, { score, line: line || null, seq });
			return { posted: 'mood', mood };
		}
	}),
	ready: readyAction
};
