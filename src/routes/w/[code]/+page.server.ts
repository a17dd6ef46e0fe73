import { normaliseJoinCode } from '$lib/joinCode';
import { MOOD_LINE_MAX, STAGE_IDS } from '$lib/stages';
import { rejectForm } from '$lib/server/forms';
import { participantAccess } from '$lib/server/liveAccess';
import { snapshot } from '$lib/server/liveState';
import * as moods from '$lib/server/moods';
import * as participants from '$lib/server/participants';
import * as stories from '$lib/server/stories';
import { formValues, parseStory } from '$lib/server/storyForm';
import { REACTION_KINDS } from '$lib/stories';
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
const StoryRef = v.object({ id: v.pipe(v.string(), v.uuid('Unknown story.')) });
const Reaction = v.object({
	id: v.pipe(v.string(), v.uuid('Unknown story.')),
	kind: v.picklist(REACTION_KINDS, 'Unknown reaction.'),
	on: v.picklist(['yes', 'no'])
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
		readyStages: await participants.readyStages(db, participant),
		myStories: await stories.mine(db, participant),
		myReactions: await stories.myReactions(db, participant),
		// A fresh idempotency key per page render, so a resent form (no JavaScript) is stored once.
		storyKey: crypto.randomUUID()
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
	story: async ({ request, params, cookies }) => {
		const participant = await me(cookies, params.code);
		const form = await request.formData();
		const parsed = parseStory(form);
		if (!parsed.ok) return rejectForm(400, parsed.errors, parsed.values);
		const { id, story, idempotencyKey } = parsed.data;
		const db = participants.asParticipant(system(), participant);
		try {
			if (id) await stories.edit(db, participant, id, story);
			else await stories.post(db, participant, story, idempotencyKey);
		} catch (err) {
			if (err instanceof moods.PostingClosedError || err instanceof stories.StoryRefusedError) {
				return rejectForm(409, { form: err.message }, formValues(form));
			}
			throw err;
		}
		return { posted: 'story' };
	},
	deleteStory: async ({ request, params, cookies }) => {
		const participant = await me(cookies, params.code);
		const parsed = parseForm(await request.formData(), StoryRef);
		if (!parsed.ok) return rejectForm(400, parsed.errors);
		try {
			await stories.remove(participants.asParticipant(system(), participant), participant, parsed.data.id);
		} catch (err) {
			if (err instanceof moods.PostingClosedError) return rejectForm(409, { form: err.message });
			throw err;
		}
		return { posted: 'deleted' };
	},
	react: async ({ request, params, cookies }) => {
		const participant = await me(cookies, params.code);
		const parsed = parseForm(await request.formData(), Reaction);
		if (!parsed.ok) return rejectForm(400, parsed.errors);
		const { id, kind, on } = parsed.data;
		try {
			await stories.react(
				participants.asParticipant(system(), participant),
				participant,
				id,
				kind,
				on === 'yes'
			);
		} catch (err) {
			if (err instanceof stories.StoryRefusedError) return rejectForm(409, { form: err.message });
			throw err;
		}
		return { posted: 'reaction' };
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
