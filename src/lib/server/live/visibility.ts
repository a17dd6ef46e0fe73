// Who sees which rows: the facilitator sees everything, to moderate; the rest of the room sees
// what is not hidden, and posts only once they are revealed.
import type { Audience, WorkshopState } from '$lib/live';

/** Posts are hidden from the room until a reveal when the facilitator says so; they see them all. */
export function showsPosts(audience: Audience, workshop: WorkshopState): boolean {
	return audience === 'facilitator' || !workshop.hiddenUntilReveal;
}

/** The SQL condition that leaves out rows the facilitator hid, for everyone but the facilitator. */
export const visibleTo = (audience: Audience) => (audience === 'facilitator' ? '' : 'and not hidden');
