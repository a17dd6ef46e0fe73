import { normaliseJoinCode } from '$lib/joinCode';
import { MOOD_LINE_MAX, STAGE_IDS } from '$lib/stages';
import { rejectForm } from '$lib/server/forms';
import { participantAccess } from '$lib/server/liveAccess';
import { snapshot } from '$lib/server/liveState';
import * as moods from '$lib/server/moods';
import * as participants from '$lib/server/participants';
import { system } from '$lib/server/db';
import { parseForm, text } from '$lib/validation';
import { error, redirect, type Cookies } from '@sveltejs/kit';
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
	line: v.optional(v.union([v.literal(''), text('Your line', 1, MOOD_LINE_MAX)]), '')
});
const Ready = v.object({
	stage: v.picklist(STAGE_IDS, 'Unknown stage.'),
	ready: v.picklist(['yes', 'no'])
});

async function me(cookies: Cookies, rawCode: string) {
	const code = normaliseJoinCode(rawCode);
	if (!code) error(404, 'That is not a workshop code.');
	const participant = await participantAccess(cookies, code);
	if (!participant) redirect(303, `/j/${code}`);
	return participant;
}

export const load: PageServerLoad = async ({ params, cookies }) => {
	const participant = await me(cookies, params.code);
	const db = participants.asParticipant(system(), participant);
	const first = await snapshot(system(), participant.workshopId, 'participant');
	if (!first) error(404, 'This workshop no longer exists.');
	return {
		code: participant.joinCode,
		snapshot: first,
		displayName: participant.displayName,
		mood: await moods.mine(db, participant),
		readyStages: await participants.readyStages(db, participant)
	};
};

export const actions: Actions = {
	mood: async ({ request, params, cookies }) => {
		const participant = await me(cookies, params.code);
		const parsed = parseForm(await request.formData(), Mood);
		if (!parsed.ok) return rejectForm(400, parsed.errors, parsed.values);
		try {
			await moods.post(participants.asParticipant(system(), participant), participant, {
				score: parsed.data.score,
				line: parsed.data.line || null
			});
		} catch (err) {
			if (err instanceof moods.PostingClosedError) {
				return rejectForm(409, { form: err.message }, { line: parsed.data.line });
			}
			throw err;
		}
		return { posted: 'mood' };
	},
	ready: async ({ request, params, cookies }) => {
		const participant = await me(cookies, params.code);
		const parsed = parseForm(await request.formData(), Ready);
		if (!parsed.ok) return rejectForm(400, parsed.errors);
		await participants.setReady(
			participants.asParticipant(system(), participant),
			participant,
			parsed.data.stage,
			parsed.data.ready === 'yes'
		);
		return { posted: 'ready' };
	}
};
