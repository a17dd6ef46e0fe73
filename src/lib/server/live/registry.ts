// Every live feature, in the order its fields appear in a snapshot or delta. A change that no
// feature follows does not compile (liveFeatures), and the trigger arguments in the database are
// checked against this list by tests/integration/announcements.test.ts.
import type { AnnouncementName, ChangeName } from './announcements';
import { ballotsFeature } from './ballots';
import { closingFeature } from './closing';
import { exciteFeature } from './excite';
import { liveFeatures, type LiveFeature, type Reaction } from './feature';
import { growFeature } from './grow';
import { moodsFeature } from './moods';
import { personalVisionsFeature } from './personalVisions';
import { presenceFeature } from './presence';
import { visionFeature } from './vision';
import { wallFeature } from './wall';
import { workshopFeature } from './workshop';

export const LIVE_FEATURES: readonly LiveFeature[] = liveFeatures([
	workshopFeature,
	presenceFeature,
	moodsFeature,
	closingFeature,
	wallFeature,
	growFeature,
	exciteFeature,
	ballotsFeature,
	visionFeature,
	personalVisionsFeature
]);

const reactions = new Map<ChangeName, Reaction[]>();
for (const feature of LIVE_FEATURES) {
	for (const [change, reaction] of Object.entries(feature.on) as [ChangeName, Reaction][]) {
		reactions.set(change, [...(reactions.get(change) ?? []), reaction]);
	}
}

/** How the features follow a change, in registry order; none for `access` (the hub's own). */
export function reactionsTo(change: AnnouncementName): readonly Reaction[] {
	return (change !== 'access' && reactions.get(change)) || [];
}

/** Every change some feature follows. */
export function followedChanges(): ChangeName[] {
	return [...reactions.keys()];
}
