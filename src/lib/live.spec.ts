import { describe, expect, it } from 'vitest';
import { changesNothing, follows, visionWallShown, type Delta, type WorkshopState } from './live';

const at = (version: number, extra: Partial<Delta> = {}): Delta => ({
	version,
	serverNow: '2026-12-01T10:00:00.000Z',
	...extra
});

describe('changesNothing', () => {
	it.each([
		[at(5), true],
		[at(5, { since: 2 }), true],
		[at(5, { room: { joined: 3 } }), false],
		[at(5, { since: 2, storyGone: 'id' }), false]
	])('%j → %s', (delta, expected) => {
		expect(changesNothing(delta)).toBe(expected);
	});
});

describe('follows', () => {
	it.each([
		// [delta, client's version, can apply]
		[at(5), 4, true],
		[at(5), 3, false], // version 4 is missing: resync
		[at(9, { since: 4 }), 4, true], // 5–8 changed nothing for this client
		[at(9, { since: 4 }), 7, true], // the client's snapshot came while 5–8 were held
		[at(9, { since: 4 }), 3, false] // version 4 is missing
	])('%j after version %i → %s', (delta, version, expected) => {
		expect(follows(delta, version)).toBe(expected);
	});
});

describe('visionWallShown', () => {
	const workshop = (fields: Partial<WorkshopState>) =>
		({
			status: 'live',
			stage: 'excite',
			personalVisionStage: 'dream',
			visionsOnScreen: true,
			...fields
		}) as WorkshopState;
	it.each([
		[{}, true],
		[{ visionsOnScreen: false }, false],
		[{ stage: 'wrapup' as const }, true], // open for the rest of the workshop
		[{ stage: 'dream' as const, personalVisionStage: 'excite' as const }, false], // not open yet
		[{ status: 'ended' as const }, false] // the closing slide
	])('%j → %s', (fields, expected) => {
		expect(visionWallShown(workshop(fields))).toBe(expected);
	});
});
