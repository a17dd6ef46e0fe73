// The shape of a live feature: what it adds to each audience's snapshot, and which announced
// changes it follows with what delta for whom. The registry (registry.ts) lists them all.
import type { Audience, Delta, RoomState, Snapshot, WorkshopState } from '$lib/live';
import type { Handle } from '../db';
import type { Announcement, ChangeName } from './announcements';

/** The screen and the facilitator: they follow the room; phones do not. */
export const ROOM_AUDIENCES: readonly Audience[] = ['screen', 'facilitator'];

/**
 * What every feature reads with: the audience's view of the workshop, whose policies decide what
 * each query returns, and the workshop as it is now, read at most once for all features.
 */
export interface LiveRead {
	db: Handle;
	workshopId: string;
	audience: Audience;
	workshop(): Promise<WorkshopState>;
}

/** The same, while one announced change is turned into deltas. */
export interface ChangeRead extends LiveRead {
	change: Announcement;
}

type Fields<T> = Omit<T, 'version' | 'since' | 'serverNow' | 'me' | 'room'>;

/** A feature's share of one audience's snapshot: fields of its own, or its fields of the room. */
export type SnapshotPart = Partial<Fields<Snapshot>> & { room?: Partial<RoomState> };

/** A feature's share of one audience's delta. */
export type DeltaPart = Partial<Fields<Delta>> & { room?: Partial<RoomState> };

/** How a feature tells its audiences of one change: read once per audience, never once per phone. */
export interface Reaction {
	/** Who hears of it from this feature. */
	audiences: readonly Audience[];
	read(read: ChangeRead): Promise<DeltaPart>;
}

export interface LiveFeature {
	/** Who sees this feature: its snapshot part is read for these audiences only. */
	audiences: readonly Audience[];
	snapshot(read: LiveRead): Promise<SnapshotPart>;
	/** The changes it follows, each with who hears of it and how. */
	on: Partial<Record<ChangeName, Reaction>>;
}

/** A change after which each audience's part is read again, just as its snapshot reads it. */
export function rereadFor(
	audiences: readonly Audience[],
	part: (read: LiveRead) => Promise<SnapshotPart>
): Reaction {
	return { audiences, read: part };
}

/** Adds a feature's part to an audience's delta (or snapshot), merging its fields of the room. */
export function addPart(into: DeltaPart, part: DeltaPart): void {
	const room = part.room && { ...into.room, ...part.room };
	Object.assign(into, part, room && { room });
}

type Followed<F> = F extends { on: infer On } ? keyof On : never;
type Unfollowed<F extends readonly LiveFeature[]> = Exclude<ChangeName, Followed<F[number]>>;

/**
 * The registry, checked as it is written: it does not compile while some change has no feature
 * following it (the error names those as `unfollowed`).
 */
export function liveFeatures<const F extends readonly LiveFeature[]>(
	features: F & ([Unfollowed<F>] extends [never] ? unknown : { unfollowed: Unfollowed<F> })
): F {
	return features;
}
