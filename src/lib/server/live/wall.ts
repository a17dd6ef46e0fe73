// The wall of stories and their reactions. Which stories each audience reads — none hidden, none
// before a reveal, except for the facilitator — is the stories policy's to say.
import { AUDIENCES, STORIES_SHOWN } from '$lib/live';
import * as stories from '../stories';
import type { LiveFeature, LiveRead } from './feature';

/** The wall as this audience sees it, newest first (phones get the newest few). */
const wall = async ({ db, workshopId, audience }: LiveRead) => ({
	stories: await stories.cards(db, workshopId, STORIES_SHOWN[audience])
});

export const wallFeature = {
	audiences: AUDIENCES,
	snapshot: wall,
	on: {
		// One story posted, changed or deleted: added, replaced, or gone for those who may not read it.
		story: {
			audiences: AUDIENCES,
			async read({ db, change }) {
				const card = change.ref ? await stories.card(db, change.ref) : null;
				return card ? { story: card } : { storyGone: change.ref ?? undefined };
			}
		},
		reaction: {
			audiences: AUDIENCES,
			async read({ db, change }) {
				if (!change.ref) return {};
				return { reactions: { storyId: change.ref, counts: await stories.reactionCounts(db, change.ref) } };
			}
		},
		// Posts revealed or hidden again: the whole wall.
		wall: { audiences: AUDIENCES, read: wall }
	}
} satisfies LiveFeature;
