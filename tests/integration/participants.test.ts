import * as participants from '$lib/server/participants';
import * as workshops from '$lib/server/workshops';
import type { Database } from '$lib/server/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import { asAnon, asMember, member, organisation, workshop } from '../setup/fixtures';

describe.each(engines)('participants on %s', (engine) => {
	let db: Database;
	let org: string;
	let facilitator: string;
	beforeAll(async () => {
		db = await freshDatabase(engine);
		org = await organisation(db, 'Org');
		facilitator = await member(db, org, 'facilitator');
	});
	afterAll(() => db.close());

	it('join with the code, and come back as the same participant with the cookie secret', async () => {
		const target = await workshop(db, org, facilitator, { status: 'draft' });
		const { participantId, token } = await participants.join(
			asAnon(db),
			target.joinCode.toLowerCase(),
			'Ana'
		);
		expect(await participants.forToken(db, token)).toEqual({
			id: participantId,
			workshopId: target.id,
			joinCode: target.joinCode,
			displayName: 'Ana'
		});
		expect(await participants.forToken(db, token + 'x')).toBeNull();
	});

	it('stay anonymous when no name is given', async () => {
		const target = await workshop(db, org, facilitator);
		const { token } = await participants.join(asAnon(db), target.joinCode, '   ');
		expect((await participants.forToken(db, token))?.displayName).toBeNull();
	});

	it('cannot join an unknown or ended workshop', async () => {
		await expect(participants.join(asAnon(db), 'ZZZZZZ', null)).rejects.toBeInstanceOf(
			participants.NoSuchWorkshopError
		);
		const ended = await workshop(db, org, facilitator, { status: 'ended' });
		await expect(participants.join(asAnon(db), ended.joinCode, null)).rejects.toBeInstanceOf(
			participants.NoSuchWorkshopError
		);
	});

	it('a name longer than the limit is refused by the database too', async () => {
		const target = await workshop(db, org, facilitator);
		await expect(participants.join(asAnon(db), target.joinCode, 'x'.repeat(41))).rejects.toMatchObject({
			code: '23514'
		});
	});
});

describe.each(engines)('join codes on %s', (engine) => {
	let db: Database;
	beforeAll(async () => {
		db = await freshDatabase(engine);
	});
	afterAll(() => db.close());

	it('retries when a generated code is already taken', async () => {
		const org = await organisation(db, 'Org');
		const facilitator = await member(db, org, 'facilitator');
		const me = asMember(db, facilitator);
		const first = await workshops.create(
			me,
			facilitator,
			org,
			{ title: 'One', teamName: null },
			() => 'TAKEN2'
		);
		expect(first.joinCode).toBe('TAKEN2');
		const codes = ['TAKEN2', 'TAKEN2', 'FRESH3'];
		const second = await workshops.create(me, facilitator, org, { title: 'Two', teamName: null }, () =>
			codes.shift()!
		);
		expect(second.joinCode).toBe('FRESH3');
		expect(codes).toEqual([]);
		await expect(
			workshops.create(me, facilitator, org, { title: 'Three', teamName: null }, () => 'TAKEN2')
		).rejects.toThrow('No free join code');
	});
});
