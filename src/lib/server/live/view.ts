// One audience's view of a live workshop as a database identity: the claims {view, view_of}, read
// only. What each view may read is decided by the policies (the audience_views migration); the
// caller has already checked that whoever it serves may open that view.
import type { Audience } from '$lib/live';
import { asIdentity, type Database, type Handle } from '../db';

export function viewOf(db: Database, workshopId: string, audience: Audience): Handle {
	return asIdentity(db, { role: 'authenticated', kind: 'view', view: audience, workshop: workshopId });
}

/** What `read` returns under `audience`'s view (for a page, a test or a delta). */
export function readAs<T>(
	db: Database,
	workshopId: string,
	audience: Audience,
	read: (view: Handle, workshopId: string) => Promise<T>
): Promise<T> {
	return viewOf(db, workshopId, audience).transaction((tx) => read(tx, workshopId));
}
