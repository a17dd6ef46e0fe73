// What each audience sees of a live workshop: a full snapshot on connect, and a small delta per
// announced change. Read on the owner connection by the realtime hub, which has already checked
// who each stream belongs to; each feature's shaping keeps each audience to its own view.
import type { Audience, Delta, RoomState, Snapshot } from '$lib/live';
import type { Handle } from '../db';
import type { Announcement } from './announcements';
import { addPart, type ChangeRead, type DeltaPart, type LiveRead } from './feature';
import { LIVE_FEATURES, reactionsTo } from './registry';
import { workshopState } from './workshop';

export type { Announcement, AnnouncementName, ChangeName } from './announcements';
export { countedVote, type CountedVote } from './countedVote';
export { exciteState } from './excite';
export { growState } from './grow';
export { connectedCount, CONNECTED_WITHIN_SECONDS } from './presence';
export { visionState } from './vision';
export { workshopState } from './workshop';

export async function snapshot(db: Handle, workshopId: string, audience: Audience): Promise<Snapshot | null> {
	return db.transaction(async (tx) => {
		const state = await workshopState(tx, workshopId);
		if (!state) return null;
		const serverNow = new Date().toISOString();
		const read: LiveRead = { db: tx, workshopId, workshop: state.workshop };
		const parts: DeltaPart = {}; // a snapshot's parts merge as a delta's do
		for (const feature of LIVE_FEATURES) {
			if (feature.audiences.includes(audience)) addPart(parts, await feature.snapshot(read, audience));
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
 * The deltas for one announcement: each feature following it reads what changed once and adds its
 * part to the delta of each audience it tells. One delta per audience, never one per phone; an
 * audience no feature tells gets a bare delta (the hub holds it until something follows).
 */
export async function deltasFor(
	db: Handle,
	workshopId: string,
	change: Announcement
): Promise<Record<Audience, Delta> | null> {
	const state = await workshopState(db, workshopId);
	if (!state) return null;
	const base = { version: change.v, serverNow: new Date().toISOString() };
	const deltas: Record<Audience, Delta> = {
		participant: { ...base },
		screen: { ...base },
		facilitator: { ...base }
	};
	const read: ChangeRead = { db, workshopId, workshop: state.workshop, change };
	for (const reaction of reactionsTo(change.what)) {
		const partFor = await reaction.read(read, reaction.audiences);
		for (const audience of reaction.audiences) addPart(deltas[audience], await partFor(audience));
	}
	return deltas;
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
	ready: true,
	moodCounts: true,
	moodLines: true,
	closing: true
};

/** The room, put together from presence, moods and closing: each field from some feature. */
function wholeRoom(room: Partial<RoomState>): RoomState {
	for (const field of Object.keys(ROOM_FIELDS) as (keyof RoomState)[]) given(room[field], `room.${field}`);
	return room as RoomState;
}
