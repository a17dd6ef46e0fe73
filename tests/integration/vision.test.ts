// The vision statement's rules on every engine: phrases in Dream, drafts kept as versions,
// amendments decided by the facilitator, and the closing check.
import type { Database, Handle } from '$lib/server/db';
import { visionState } from '$lib/server/liveState';
import { PostingClosedError } from '$lib/server/moods';
import * as participants from '$lib/server/participants';
import * as vision from '$lib/server/vision';
import * as workshops from '$lib/server/workshops';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import { asMember, member, organisation, participant, workshop } from '../setup/fixtures';

describe.each(engines)('the vision statement on %s', (engine) => {
	let db: Database;
	let facilitator: Handle;
	let room: { id: string; joinCode: string };
	let ana: participants.Participant;
	let ben: participants.Participant;
	const as = (me: participants.Participant) => participants.asParticipant(db, me);

	beforeAll(async () => {
		db = await freshDatabase(engine);
		const org = await organisation(db, 'Harbour');
		const facilitatorId = await member(db, org, 'facilitator');
		facilitator = asMember(db, facilitatorId);
		room = await workshop(db, org, facilitatorId, { status: 'live', stage: 'dream' });
		const join = async (name: string) => ({
			id: (await participant(db, room.joinCode, name)).id,
			workshopId: room.id,
			joinCode: room.joinCode,
			displayName: name
		});
		[ana, ben] = [await join('Ana'), await join('Ben')];
	});
	afterAll(() => db.close());

	it('phrases from Dream are grouped and counted for the screen, not sent to phones', async () => {
		for (const [who, text] of [
			[ana, 'heard'],
			[ben, 'Heard '],
			[ben, 'respected']
		] as const) {
			await vision.addPhrase(as(who), who, text);
		}
		expect((await visionState(db, room.id, 'screen')).phrases).toEqual([
			{ text: 'Heard ', count: 2 },
			{ text: 'respected', count: 1 }
		]);
		expect((await visionState(db, room.id, 'participant')).phrases).toEqual([]);
	});

	it('keeps every draft as a version; only the facilitator writes one', async () => {
		await workshops.setStage(facilitator, room.id, 'excite');
		await expect(vision.addPhrase(as(ana), ana, 'late')).rejects.toThrow(PostingClosedError);
		expect(await vision.saveDraft(as(ana), room.id, 'Hijacked')).toBeNull();
		expect(await vision.saveDraft(facilitator, room.id, 'Customers feel heard.')).toBe(1);
		expect(await vision.saveDraft(facilitator, room.id, 'Customers feel heard and helped.')).toBe(2);
		const { versions } = await visionState(db, room.id, 'participant');
		expect(versions.map((v) => [v.version, v.body])).toEqual([
			[1, 'Customers feel heard.'],
			[2, 'Customers feel heard and helped.']
		]);
	});

	it('accepting an amendment makes a new version; merged and declined ones change nothing', async () => {
		await vision.proposeAmendment(as(ana), ana, 'heard and helped', 'heard, helped and respected');
		await vision.proposeAmendment(as(ben), ben, null, 'We make it easy.');
		await vision.proposeAmendment(as(ben), ben, 'nothing like this', 'x');
		const [first, second, third] = (await visionState(db, room.id, 'facilitator')).amendments;
		expect(await vision.decide(as(ana), room.id, first!.id, 'accepted')).toBe(false);
		expect(await vision.decide(facilitator, room.id, first!.id, 'accepted')).toBe(true);
		expect(await vision.decide(facilitator, room.id, first!.id, 'declined')).toBe(false);
		expect(await vision.decide(facilitator, room.id, second!.id, 'declined')).toBe(true);
		expect(await vision.decide(facilitator, room.id, third!.id, 'merged')).toBe(true);
		const state = await visionState(db, room.id, 'participant');
		expect(state.versions.at(-1)).toMatchObject({
			version: 3,
			body: 'Customers feel heard, helped and respected.'
		});
		expect(state.amendments.map((a) => a.status)).toEqual(['accepted', 'declined', 'merged']);
	});

	it('tallies the closing check live; a changed answer replaces the earlier one; reasons go to the facilitator', async () => {
		await vision.setCheck(as(ana), ana, 'disagree', 'Too long');
		await vision.setCheck(as(ana), ana, 'agree', null);
		await vision.setCheck(as(ben), ben, 'abstain', 'Not sure about "easy"');
		expect((await visionState(db, room.id, 'screen')).checks).toEqual({
			agree: 1,
			abstain: 1,
			disagree: 0,
			reasons: []
		});
		expect((await visionState(db, room.id, 'facilitator')).checks.reasons).toEqual(['Not sure about "easy"']);
		expect(await vision.myCheck(as(ana), ana)).toEqual({ stance: 'agree', reason: null });
	});
});
