// The vision statement's rules on every engine: phrases in Dream (one phrase however it is spelt),
// drafts kept as versions and saved only on top of the latest, amendments decided by the
// facilitator, and the closing check given to one version.
import type { Database, Handle } from '$lib/server/db';
import { migrate, migrations } from '$lib/server/db/migrate';
import { openPgliteMemory } from '$lib/server/db/pglite';
import { openPostgres } from '$lib/server/db/postgres';
import { visionState } from '$lib/server/live';
import { PostingClosedError } from '$lib/server/posting';
import * as participants from '$lib/server/participants';
import * as vision from '$lib/server/vision';
import * as workshops from '$lib/server/workshops';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPostgresDatabase, dropPostgresDatabase, engines, freshDatabase } from '../setup/databases';
import { withDatabase } from '../setup/global';
import { asMember, member, organisation, participant, REFUSED, workshop } from '../setup/fixtures';

describe.each(engines)('the vision statement on %s', (engine) => {
	let db: Database;
	let facilitator: Handle;
	let facilitatorId: string;
	let room: { id: string; joinCode: string };
	let ana: participants.Participant;
	let ben: participants.Participant;
	const as = (me: participants.Participant) => participants.asParticipant(db, me);
	const versions = async () =>
		(await visionState(db, room.id, 'facilitator')).versions.map((v) => [v.version, v.body]);

	beforeAll(async () => {
		db = await freshDatabase(engine);
		const org = await organisation(db, 'Harbour');
		facilitatorId = await member(db, org, 'facilitator');
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

	it('phrases differing only in case, spacing or a trailing full stop are one, in their most common spelling', async () => {
		for (const [who, text] of [
			[ana, 'heard'],
			[ben, 'Respected.'],
			[ben, '  Heard.'],
			[ana, 'respected'],
			[ben, 'HEARD'],
			[ana, 'Heard.'],
			[ana, 'looked  after'],
			[ben, 'Looked after']
		] as const) {
			await vision.addPhrase(as(who), who, text);
		}
		expect((await visionState(db, room.id, 'screen')).phrases).toEqual([
			{ text: 'Heard.', count: 4 }, // "Heard." twice (spacing aside), the others once
			{ text: 'Respected.', count: 2 }, // a tie: the first given
			{ text: 'looked after', count: 2 }
		]);
		expect((await visionState(db, room.id, 'participant')).phrases).toEqual([]);
	});

	it('keeps every draft as a version, each saved on top of the one it started from; only the facilitator saves', async () => {
		await workshops.setStage(facilitator, room.id, 'excite');
		await expect(vision.addPhrase(as(ana), ana, 'late')).rejects.toThrow(PostingClosedError);
		expect(await vision.saveDraft(as(ana), room.id, { body: 'Hijacked', base: 0 })).toBeNull();
		expect(await vision.saveDraft(facilitator, room.id, { body: 'Customers feel heard.', base: 0 })).toEqual({
			saved: 1
		});
		expect(
			await vision.saveDraft(facilitator, room.id, { body: 'Customers feel heard and helped.', base: 1 })
		).toEqual({ saved: 2 });
		expect(await versions()).toEqual([
			[1, 'Customers feel heard.'],
			[2, 'Customers feel heard and helped.']
		]);
	});

	it('refuses a save that started from an older version, and says which is the latest; nothing is saved', async () => {
		const stale = { stale: { version: 2, body: 'Customers feel heard and helped.' } };
		expect(await vision.saveDraft(facilitator, room.id, { body: 'From a second tab', base: 1 })).toEqual(
			stale
		);
		expect(await vision.saveDraft(facilitator, room.id, { body: 'From nowhere', base: 7 })).toEqual(stale);
		expect(await versions()).toHaveLength(2);
		// Saved on top of the latest, it is the next version.
		expect(
			await vision.saveDraft(facilitator, room.id, {
				body: 'Customers feel heard, and helped fast.',
				base: 2
			})
		).toEqual({ saved: 3 });
	});

	it('the database itself refuses a version that is not based on the latest, even from the owner', async () => {
		const insert = (handle: Handle, version: number) =>
			handle.query(
				`insert into vision_versions (workshop_id, version, body, created_by) values ($1, $2, 'Sneaky', $3)`,
				[room.id, version, facilitatorId]
			);
		await expect(insert(facilitator, 3)).rejects.toMatchObject({ code: '23505' }); // 3 exists already
		await expect(insert(facilitator, 5)).rejects.toMatchObject({ code: '23503' }); // there is no 4
		await expect(insert(db, 5)).rejects.toMatchObject({ code: '23503' });
		expect(await versions()).toHaveLength(3);
	});

	it('two saves from the same version at the same moment: one is saved, the other is told of it', async () => {
		const outcomes = await Promise.all(
			['Tab one', 'Tab two'].map((body) => vision.saveDraft(facilitator, room.id, { body, base: 3 }))
		);
		const saved = outcomes.filter((outcome) => outcome && 'saved' in outcome);
		const refused = outcomes.filter((outcome) => outcome && 'stale' in outcome);
		expect(saved).toEqual([{ saved: 4 }]);
		expect(refused).toEqual([{ stale: { version: 4, body: expect.stringMatching(/^Tab (one|two)$/) } }]);
		await vision.saveDraft(facilitator, room.id, { body: 'Customers feel heard and helped.', base: 4 });
	});

	it('accepting an amendment applies it to the latest version as a new version; declining changes nothing', async () => {
		await vision.proposeAmendment(as(ana), ana, 'heard and helped', 'heard, helped and respected');
		await vision.proposeAmendment(as(ben), ben, null, 'We make it easy.');
		await vision.proposeAmendment(as(ben), ben, 'nothing like this', 'x');
		const [first, second, third] = (await visionState(db, room.id, 'facilitator')).amendments;
		expect(await vision.decide(as(ana), room.id, first!.id, 'accepted')).toBe(false);
		expect(await vision.decide(facilitator, room.id, first!.id, 'accepted')).toBe(true);
		expect(await vision.decide(facilitator, room.id, first!.id, 'declined')).toBe(false);
		expect(await vision.decide(facilitator, room.id, second!.id, 'declined')).toBe(true);
		// Words no longer in the draft cannot be replaced: it stays for the facilitator to work in.
		await expect(vision.decide(facilitator, room.id, third!.id, 'accepted')).rejects.toThrow(
			vision.AmendmentRefusedError
		);
		const state = await visionState(db, room.id, 'participant');
		expect(state.versions.at(-1)).toMatchObject({
			version: 6,
			body: 'Customers feel heard, helped and respected.'
		});
		expect(state.amendments.map((a) => a.status)).toEqual(['accepted', 'declined', 'pending']);
	});

	it('an amendment worked in by hand is marked merged with the save of the draft, and only if it is saved', async () => {
		const [, , third] = (await visionState(db, room.id, 'facilitator')).amendments;
		const body = 'Customers feel heard, helped and respected, every time.';
		expect(await vision.saveDraft(facilitator, room.id, { body, base: 5, merges: third!.id })).toMatchObject({
			stale: { version: 6 }
		});
		expect((await visionState(db, room.id, 'facilitator')).amendments[2]!.status).toBe('pending');
		expect(await vision.saveDraft(facilitator, room.id, { body, base: 6, merges: third!.id })).toEqual({
			saved: 7
		});
		expect((await visionState(db, room.id, 'facilitator')).amendments[2]!.status).toBe('merged');
	});

	it('tallies the closing check on the latest version; a changed answer replaces the earlier one; reasons go to the facilitator', async () => {
		await vision.setCheck(as(ana), ana, { version: 7, stance: 'disagree', reason: 'Too long' });
		await vision.setCheck(as(ana), ana, { version: 7, stance: 'agree', reason: null });
		await vision.setCheck(as(ben), ben, { version: 7, stance: 'abstain', reason: 'Not sure about "every"' });
		expect((await visionState(db, room.id, 'screen')).checks).toEqual({
			version: 7,
			agree: 1,
			abstain: 1,
			disagree: 0,
			reasons: []
		});
		expect((await visionState(db, room.id, 'facilitator')).checks.reasons).toEqual([
			'Not sure about "every"'
		]);
		expect(await vision.myCheck(as(ana), ana)).toEqual({ version: 7, stance: 'agree', reason: null });
	});

	it('a new version starts a new check; answers to the older one are kept and shown as such', async () => {
		await vision.saveDraft(facilitator, room.id, { body: 'Customers feel heard and respected.', base: 7 });
		const state = await visionState(db, room.id, 'facilitator');
		expect(state.checks).toEqual({ version: 8, agree: 0, abstain: 0, disagree: 0, reasons: [] });
		expect(state.earlierChecks).toEqual([{ version: 7, agree: 1, abstain: 1, disagree: 0 }]);
		// The phone still knows Ana's answer, and to which version it was given.
		expect(await vision.myCheck(as(ana), ana)).toMatchObject({ version: 7, stance: 'agree' });

		await vision.setCheck(as(ana), ana, { version: 8, stance: 'disagree', reason: 'Lost "helped"' });
		const after = await visionState(db, room.id, 'facilitator');
		expect(after.checks).toEqual({
			version: 8,
			agree: 0,
			abstain: 0,
			disagree: 1,
			reasons: ['Lost "helped"']
		});
		expect(after.earlierChecks).toEqual([{ version: 7, agree: 1, abstain: 1, disagree: 0 }]);
		expect(await vision.myCheck(as(ana), ana)).toMatchObject({ version: 8, stance: 'disagree' });
	});

	it('an answer to a version that is no longer the latest is refused, by the database too', async () => {
		await expect(
			vision.setCheck(as(ben), ben, { version: 7, stance: 'agree', reason: null })
		).rejects.toThrow(/version 8 is the latest/);
		await expect(
			as(ben).query(
				`insert into vision_checks (workshop_id, participant_id, version, stance) values ($1, $2, 7, 'agree')
				 on conflict (workshop_id, participant_id, version) do update set stance = excluded.stance`,
				[room.id, ben.id]
			)
		).rejects.toMatchObject(REFUSED);
		await expect(
			as(ben).query(
				`insert into vision_checks (workshop_id, participant_id, version, stance) values ($1, $2, 9, 'agree')`,
				[room.id, ben.id]
			)
		).rejects.toMatchObject(REFUSED);
		expect((await visionState(db, room.id, 'screen')).earlierChecks).toEqual([
			{ version: 7, agree: 1, abstain: 1, disagree: 0 }
		]);
		// Once Excite closes, that is what the phone is told.
		await workshops.setStage(facilitator, room.id, 'wrapup');
		await expect(
			vision.setCheck(as(ben), ben, { version: 8, stance: 'agree', reason: null })
		).rejects.toThrow('This part of the workshop is not open right now.');
	});

	it('an ended workshop keeps its draft: accepting an amendment then changes nothing', async () => {
		await workshops.setStage(facilitator, room.id, 'excite');
		await vision.proposeAmendment(as(ben), ben, null, 'We help, whatever it takes.');
		const pending = (await visionState(db, room.id, 'facilitator')).amendments.at(-1)!;
		await workshops.end(facilitator, room.id);
		await expect(vision.decide(facilitator, room.id, pending.id, 'accepted')).rejects.toThrow(
			'This workshop is not live'
		);
		const state = await visionState(db, room.id, 'facilitator');
		expect(state.amendments.at(-1)!.status).toBe('pending');
		expect(state.versions).toHaveLength(8);
	});
});

const VERSIONED_CHECKS = '20261202110000';

/** An empty database of its own, for migrating step by step. */
async function emptyDatabase(engine: 'pglite' | 'postgres'): Promise<Database> {
	if (engine === 'pglite') return openPgliteMemory();
	const name = `cx_test_${randomBytes(6).toString('hex')}`;
	await createPostgresDatabase(name);
	const db = openPostgres(withDatabase(inject('postgresUrl')!, name), { max: 2 });
	return { ...db, close: () => db.close().then(() => dropPostgresDatabase(name)) };
}

describe.each(engines)('closing checks given before they had versions, on %s', (engine) => {
	it('belong to the version that was the latest when they were given; answers to no draft at all go', async () => {
		const db = await emptyDatabase(engine);
		try {
			await migrate(
				db,
				migrations.filter((m) => m.version < VERSIONED_CHECKS)
			);
			const org = await organisation(db, 'Upgraded');
			const facilitatorId = await member(db, org, 'facilitator');
			const room = await workshop(db, org, facilitatorId, { stage: 'excite' });
			const bare = await workshop(db, org, facilitatorId, { stage: 'excite' });
			const [ana, ben, cara] = [
				await participant(db, room.joinCode, 'Ana'),
				await participant(db, room.joinCode, 'Ben'),
				await participant(db, bare.joinCode, 'Cara')
			];
			await db.query(
				`insert into vision_versions (workshop_id, version, body, created_by, created_at) values
				 ($1, 1, 'First', $2, '2026-11-01T10:00Z'), ($1, 2, 'Second', $2, '2026-11-01T10:10Z')`,
				[room.id, facilitatorId]
			);
			await db.query(
				`insert into vision_checks (workshop_id, participant_id, stance, updated_at) values
				 ($1, $2, 'agree', '2026-11-01T10:05Z'), ($1, $3, 'disagree', '2026-11-01T10:15Z'),
				 ($4, $5, 'abstain', '2026-11-01T10:20Z')`,
				[room.id, ana.id, ben.id, bare.id, cara.id]
			);
			await migrate(db);
			const checks = await db.query<{ participant_id: string; version: number; stance: string }>(
				`select participant_id, version, stance from vision_checks order by updated_at`
			);
			expect(checks).toEqual([
				{ participant_id: ana.id, version: 1, stance: 'agree' },
				{ participant_id: ben.id, version: 2, stance: 'disagree' }
			]);
			const state = await visionState(db, room.id, 'screen');
			expect(state.checks).toMatchObject({ version: 2, agree: 0, disagree: 1 });
			expect(state.earlierChecks).toEqual([{ version: 1, agree: 1, abstain: 0, disagree: 0 }]);
		} finally {
			await db.close();
		}
	});
});
