// What the database announces on a workshop's channel (`pg_notify`): the names below are the
// trigger arguments of `app.announce_row_change` and the literals of `app.announce_workshop_change`,
// `app.announce_wall` and `app.announce_access` (supabase/migrations). A test reads them back from
// the catalogue, so a new one cannot reach the hub without a live feature following it.

/** A change to what someone in the room sees; each is a new version of the workshop. */
export type ChangeName =
	| 'workshop'
	| 'joined'
	| 'mood'
	| 'ready'
	| 'story'
	| 'reaction'
	| 'wall'
	| 'vote'
	| 'ballot'
	| 'cry'
	| 'obstacle'
	| 'action'
	| 'phrase'
	| 'vision'
	| 'personal_vision';

/** Every announcement: the changes, and `access` (someone's access ended), which the hub handles. */
export type AnnouncementName = ChangeName | 'access';

/** One announcement's payload: the workshop's version after it, what changed, and which row. */
export interface Announcement {
	v: number;
	what: AnnouncementName;
	ref: string | null;
}
