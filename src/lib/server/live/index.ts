// What each audience sees of a live workshop: a full snapshot on connect, and a small delta per
// announced change. Each audience's part is read under that audience's view of the workshop (see
// view.ts), so the policies in the database decide what it holds; the features only shape it.
import type { Audience, Delta, RoomState, Snapshot, WorkshopState } from '$lib/live';
import type { Database } from '../db';
import type { Announcement } from './announcements';
import { addPart, type ChangeRead, type DeltaPart, type LiveRead } from './feature';
import { LIVE_FEATURES, reactionsTo } from './registry';
import { viewOf } from './view';
import { workshopState } from './workshop';

export type { Announcement, AnnouncementName, ChangeName } from './announcements';
export { countedVote, type CountedVote } from './countedVote';
export { exciteState } from './excite';
export { growState } from './grow';
export { connectedCount, CONNECTED_WITHIN_SECONDS } from './presence';
export { viewOf } from './view';
export { visionState } from './vision';
export { workshopState } from './workshop';

export async function snapshot(
	db: Database,
	workshopId: string,
	audience: Audience
): Promise<Snapshot | null> {
	return viewOf(db, workshopId, audience).transaction(async (tx) => {
		const state = await workshopState(tx, workshopId);
		if (!state) return null;
		const serverNow = new Date().toISOString();
		const read: LiveRead = { db: tx, workshopId, audience, workshop: () => Promise.resolve(state.workshop) };
		const parts: DeltaPart = {}; // a snapshot's parts merge as a delta's do
		for (const feature of LIVE_FEATURES) {
			if (feature.audiences.includes(audience)) addPart(parts, await feature.snapshot(read));
		}
		return {
			version: state.version,
			serverNow,
			workshop: given(parts.workshop, 'workshop'),
			room: audience === 'participant' ? null : wholeRoom(given(parts.room, 'room')),
			me: null,
			stories: given(parts.stories, 'stories'),
			grow: given(parts.grow, 'grow'),
			excite: given(parts.excite, 'excite'),
			vision: given(parts.vision, 'vision')
		};
	});
}

/**
 * The deltas for announcements heard together, in order, for one audience (the hub asks once per
 * audience someone is watching as, never once per phone), read in one transaction under that
 * audience's view: each feature following a change adds its part. Every part is read as it is now,
 * so of several announcements of the same row only the last is read: the others become bare deltas,
 * covered by it (a vote's fifty ballots in a second are one recount). An audience no feature tells
 * gets bare deltas (the hub holds them until something follows). Null when the workshop is gone.
 */
export async function deltasFor(
	db: Database,
	workshopId: string,
	changes: Announcement[],
	audience: Audience
): Promise<Delta[] | null> {
	const serverNow = new Date().toISOString();
	const lastOfRow = new Map(changes.map((change, i) => [`${change.what}:${change.ref}`, i]));
	const reactionsOf = (change: Announcement, i: number) =>
		lastOfRow.get(`${change.what}:${change.ref}`) === i
			? reactionsTo(change.what).filter((reaction) => reaction.audiences.includes(audience))
			: [];
	const deltas: Delta[] = changes.map((change) => ({ version: change.v, serverNow }));
	if (changes.every((change, i) => reactionsOf(change, i).length === 0)) return deltas;
	return viewOf(db, workshopId, audience).transaction(async (tx) => {
		let workshop: Promise<WorkshopState | null> | undefined;
		const current = () =>
			(workshop ??= workshopState(tx, workshopId).then((state) => state?.workshop ?? null));
		try {
			for (const [i, change] of changes.entries()) {
				const read: ChangeRead = {
					db: tx,
					workshopId,
					audience,
					change,
					workshop: () => current().then(present)
				};
				for (const reaction of reactionsOf(change, i)) addPart(deltas[i]!, await reaction.read(read));
			}
		} catch (error) {
			if (error instanceof WorkshopGone) return null;
			throw error;
		}
		return deltas;
	});
}

class WorkshopGone extends Error {}

function present(workshop: WorkshopState | null): WorkshopState {
	if (!workshop) throw new WorkshopGone('The workshop is gone');
	return workshop;
}

/** A snapshot field some feature must give: one missing from the registry fails here, loudly. */
function given<T>(value: T | undefined, field: string): T {
	if (value === undefined) throw new Error(`No live feature gives the snapshot its ${field}`);
	return value;
}

const ROOM_FIELDS: Record<keyof RoomState, true> = {
	joined: true,
	connected: true,
	names: true,
	people: true,
	ready: true,
	moodCounts: true,
	moodLines: true,
	closing: true,
	personalVisions: true
};

/** The room, put together from presence, moods, closing and visions: each field from some feature. */
function wholeRoom(room: Partial<RoomState>): RoomState {
	for (const field of Object.keys(ROOM_FIELDS) as (keyof RoomState)[]) given(room[field], `room.${field}`);
	return room as RoomState;
}
