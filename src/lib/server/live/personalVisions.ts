// The wall of shared personal visions, for the screen and the facilitator (a phone reads its own on
// its page). Which visions each view reads — never a private one — is the policy's to say; a change
// is announced with the vision's id alone, and read again here through that policy.
import { PERSONAL_VISIONS_SHOWN } from '$lib/live';
import * as personalVisions from '../personalVisions';
import { ROOM_AUDIENCES, type LiveFeature, type LiveRead } from './feature';

const wall = async ({ db, workshopId }: LiveRead) => ({
	room: { personalVisions: await personalVisions.wall(db, workshopId, PERSONAL_VISIONS_SHOWN) }
});

export const personalVisionsFeature = {
	audiences: ROOM_AUDIENCES,
	snapshot: wall,
	on: {
		// One vision shared, changed or withdrawn: added, replaced, or gone for those who may not read it.
		personal_vision: {
			audiences: ROOM_AUDIENCES,
			async read({ db, change }) {
				const card = change.ref ? await personalVisions.wallCard(db, change.ref) : null;
				return card ? { personalVision: card } : { personalVisionGone: change.ref ?? undefined };
			}
		}
	}
} satisfies LiveFeature;
