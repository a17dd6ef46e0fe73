import { loadPhonePage, phoneAction, readyAction } from '$lib/server/http/phone';
import * as stories from '$lib/server/stories';
import * as vision from '$lib/server/vision';
import { parseStory } from '$lib/server/http/storyForm';
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

export const load: PageServerLoad = (event) =>
	loadPhonePage(event, async (db, participant) => ({
		myStories: await stories.mine(db, participant),
		myReactions: await stories.myReactions(db, participant),
		// A fresh idempotency key per page render, so a resent form (no JavaScript) is stored once.
		storyKey: crypto.randomUUID()
	}));

export const actions: Actions = {
	story: phoneAction({
		form: 'story',
		parse: parseStory,
		refusals: [stories.StoryRefusedError],
		run: async (db, participant, { id, story, idempotencyKey }) => {
			if (id) await stories.edit(db, participant, id, story);
			else await stories.post(db, participant, story, idempotencyKey);
			return { posted: 'story' };
		}
	}),
	deleteStory: phoneAction({
		form: 'deleteStory',
		parse: (form) => parseForm(form, StoryRef),
		run: async (db, participant, { id }) => {
			await stories.remove(db, participant, id);
			return { posted: 'deleted' };
		}
	}),
	react: phoneAction({
		form: 'react',
		parse: (form) => parseForm(form, Reaction),
		refusals: [stories.StoryRefusedError],
		run: async (db, participant, { id, reaction }) => {
			const [kind, on] = reaction.split(':') as [ReactionKind, string];
			await stories.react(db, participant, id, kind, on === 'on');
			return { posted: 'reaction' };
		}
	}),
	phrase: phoneAction({
		form: 'phrase',
		parse: (form) => parseForm(form, Phrase),
		run: async (db, participant, { phrase }) => {
			await vision.addPhrase(db, participant, phrase);
			return { posted: 'phrase' };
		}
	}),
	ready: readyAction
};
