import { formValues } from '$lib/server/forms';
import { PostingClosedError } from '$lib/server/moods';
import { phone, readyAction, redirectToStage, refuse, refuseClosed } from '$lib/server/phone';
import * as stories from '$lib/server/stories';
import * as vision from '$lib/server/vision';
import { parseStory } from '$lib/server/storyForm';
import { REACTION_KINDS, type ReactionKind } from '$lib/stories';
import { parseForm, text } from '$lib/validation';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';

const storyId = v.pipe(v.string(), v.uuid('Unknown story.'));
const StoryRef = v.object({ id: storyId });
const Phrase = v.object({ phrase: text('Your phrase', 1, vision.PHRASE_MAX) });
// "heart:on" adds a heart, "heart:off" takes it back.
const REACTION_CHOICES = REACTION_KINDS.flatMap((kind) => [`${kind}:on`, `${kind}:off`]);
const Reaction = v.object({ id: storyId, reaction: v.picklist(REACTION_CHOICES, 'Unknown reaction.') });

export const load: PageServerLoad = async (event) => {
	const { code, snapshot } = await event.parent();
	redirectToStage(code, snapshot.workshop, event.url.pathname);
	const { participant, db } = phone(event);
	return {
		myStories: await stories.mine(db, participant),
		myReactions: await stories.myReactions(db, participant),
		// A fresh idempotency key per page render, so a resent form (no JavaScript) is stored once.
		storyKey: crypto.randomUUID()
	};
};

export const actions: Actions = {
	story: async (event) => {
		const { participant, db } = phone(event);
		const form = await event.request.formData();
		const parsed = parseStory(form);
		if (!parsed.ok) return refuse('story', 400, parsed.errors, parsed.values);
		const { id, story, idempotencyKey } = parsed.data;
		try {
			if (id) await stories.edit(db, participant, id, story);
			else await stories.post(db, participant, story, idempotencyKey);
		} catch (err) {
			if (err instanceof PostingClosedError) return refuseClosed('story', err, formValues(form));
			if (err instanceof stories.StoryRefusedError) {
				return refuse('story', 409, { form: err.message }, formValues(form));
			}
			throw err;
		}
		return { posted: 'story' };
	},
	deleteStory: async (event) => {
		const { participant, db } = phone(event);
		const parsed = parseForm(await event.request.formData(), StoryRef);
		if (!parsed.ok) return refuse('deleteStory', 400, parsed.errors);
		try {
			await stories.remove(db, participant, parsed.data.id);
		} catch (err) {
			if (err instanceof PostingClosedError) return refuseClosed('deleteStory', err, parsed.data);
			throw err;
		}
		return { posted: 'deleted' };
	},
	react: async (event) => {
		const { participant, db } = phone(event);
		const parsed = parseForm(await event.request.formData(), Reaction);
		if (!parsed.ok) return refuse('react', 400, parsed.errors);
		const [kind, on] = parsed.data.reaction.split(':') as [ReactionKind, string];
		try {
			await stories.react(db, participant, parsed.data.id, kind, on === 'on');
		} catch (err) {
			if (err instanceof stories.StoryRefusedError) {
				return refuse('react', 409, { form: err.message }, { id: parsed.data.id });
			}
			throw err;
		}
		return { posted: 'reaction' };
	},
	phrase: async (event) => {
		const { participant, db } = phone(event);
		const parsed = parseForm(await event.request.formData(), Phrase);
		if (!parsed.ok) return refuse('phrase', 400, parsed.errors, parsed.values);
		try {
			await vision.addPhrase(db, participant, parsed.data.phrase);
		} catch (err) {
			if (err instanceof PostingClosedError) return refuseClosed('phrase', err, parsed.data);
			throw err;
		}
		return { posted: 'phrase' };
	},
	ready: readyAction
};
