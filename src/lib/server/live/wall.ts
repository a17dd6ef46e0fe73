// The wall of stories and their reactions. Everyone sees it once posts are shown; the facilitator
// also sees hidden stories, to moderate.
import { AUDIENCES, STORIES_SHOWN, type Audience, type WorkshopState } from '$lib/live';
import type { Handle } from '../db';
import * as stories from '../stories';
import { NOTHING, type LiveFeature } from './feature';
import { showsPosts } from './visibility';

/** The wall as this audience sees it, newest first. */
function wall(db: Handle, workshopId: string, audience: Audience, workshop: WorkshopState) {
	if (!showsPosts(audience, workshop)) return Promise.resolve([]);
	return stories.cards(db, workshopId, audience === 'facilitator', STORIES_SHOWN[audience]);
}

export const wallFeature = {
	audiences: AUDIENCES,
	snapshot: async ({ db, workshopId, workshop }, audience) => ({
		stories: await wall(db, workshopId, audience, workshop)
	}),
	on: {
		// One story posted, changed or deleted: added, replaced, or gone for those who may not see it.
		story: {
			audiences: AUDIENCES,
			async read({ db, workshop, change }) {
				const card = change.ref ? await stories.card(db, change.ref) : null;
				const gone = change.ref ?? undefined;
				return (audience) =>
					card && (audience === 'facilitator' || (!card.hidden && showsPosts(audience, workshop)))
						? { story: card }
						: { storyGone: gone };
			}
		},
		reaction: {
			audiences: AUDIENCES,
			async read({ db, change }) {
				if (!change.ref) return NOTHING;
				const reactions = { storyId: change.ref, counts: await stories.reactionCounts(db, change.ref) };
				return () => ({ reactions });
			}
		},
		// Posts revealed or hidden again: the whole wall. Phones see the screen's newest few.
		wall: {
			audiences: AUDIENCES,
			async read({ db, workshopId, workshop }) {
				const screen = await wall(db, workshopId, 'screen', workshop);
				const facilitator = await wall(db, workshopId, 'facilitator', workshop);
				const walls = {
					participant: screen.slice(0, STORIES_SHOWN.participant),
					screen,
					facilitator
				};
				return (audience) => ({ stories: walls[audience] });
			}
		}
	}
} satisfies LiveFeature;
