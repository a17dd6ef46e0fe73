// Hybrid rooms on every engine: the facilitator enters a story or a ballot for someone without a
// phone; entries are marked, count once per person, and nobody else can enter them.
import type { Database, Handle } from '$lib/server/db';
import { exciteState } from '$lib/server/live';
import * as participants from '$lib/server/participants';
import * as stories from '$lib/server/stories';
import * as votes from '$lib/server/votes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import { asMember, member, organisation, participant, workshop } from '../setup/fixtures';

describe.each(engines)('entries on behalf on %s', (engine) => {
	let db: Database;
	let facilitator: Handle;
	let leader: Handle;
	let room: { id: string; joinCode: string };
	let ana: participants.Participant;
	let cries: string[];

	beforeAll(async () => {
		db = await freshDatabase(engine);
		const org = await organisation(db, 'Harbour');
		const facilitatorId = await member(db, org, 'facilitator');
		facilitator = asMember(db, facilitatorId);
		leader = asMember(db, await member(db, org, 'leader'));
		room = await workshop(db, org, facilitatorId, { status: 'live', stage: 'excite' });
		ana = {
			id: (await participant(db, room.joinCode, 'Ana')).id,
			workshopId: room.id,
			joinCode: room.joinCode,
			displayName: 'Ana'
		};
		cries = [];
		for (const text of ['Own it', 'Every call counts']) {
			const [row] = await db.query<{ id: string }>(
				`insert into rallying_cries (workshop_id, text) values ($1, $2) returning id`,
				[room.id, text]
			);
			cries.push(row!.id);
		}
	});
	afterAll(() => db.close());

	it('a story entered on behalf is marked, named only with library-and-name consent, and only by the facilitator', async () => {
		const input: Omit<stories.StoryInput, 'consent'> = {
			kind: 'good',
			perspective: 'customer',
			title: 'Paper story',
			body: 'Told aloud',
			feeling: null,
			company: null,
			themes: []
		};
		expect(await stories.postOnBehalf(leader, room.id, { ...input, consent: 'room' }, 'Sam')).toBe(false);
		expect(
			await stories.postOnBehalf(facilitator, room.id, { ...input, consent: 'library_named' }, 'Sam')
		).toBe(true);
		expect(
			await stories.postOnBehalf(
				facilitator,
				room.id,
				{ ...input, title: 'Quiet', consent: 'library_anonymous' },
				'Sam'
			)
		).toBe(true);
		const rows = await db.query<{ title: string; author_name: string | null; on_behalf: boolean }>(
			`select title, author_name, on_behalf from stories where workshop_id = $1 order by created_at`,
			[room.id]
		);
		expect(rows).toEqual([
			{ title: 'Paper story', author_name: 'Sam', on_behalf: true },
			{ title: 'Quiet', author_name: null, on_behalf: true }
		]);
		expect((await stories.cards(db, room.id, 60)).every((card) => card.onBehalf)).toBe(true);
	});

	it('a ballot entered on behalf counts once per name, is marked, and re-entering it replaces it', async () => {
		const vote = (await votes.open(facilitator, room.id, { subject: 'rallying_cry', method: 'single' }))!;
		await votes.cast(participants.asParticipant(db, ana), ana, vote.id, [cries[0]!]);
		await votes.castOnBehalf(facilitator, room.id, vote.id, 'Sam', [cries[0]!]);
		await votes.castOnBehalf(facilitator, room.id, vote.id, 'Sam', [cries[1]!]);
		await votes.castOnBehalf(facilitator, room.id, vote.id, 'Kim', [cries[1]!]);
		await expect(votes.castOnBehalf(leader, room.id, vote.id, 'Lee', [cries[0]!])).rejects.toThrow(
			votes.BallotRefusedError
		);
		const { vote: seen } = await exciteState(db, room.id, 'facilitator');
		expect(seen).toMatchObject({ ballots: 3, onBehalf: 2 });
		expect(seen?.result?.totals).toEqual([
			{ option: cries[1], votes: 2 },
			{ option: cries[0], votes: 1 }
		]);
	});

	it('the facilitator cannot enter a ballot as a participant who has a phone', async () => {
		const vote = (await votes.latest(db, room.id, 'rallying_cry'))!;
		await expect(
			facilitator.query(
				`insert into ballots (vote_id, workshop_id, participant_id, choices, on_behalf) values ($1, $2, $3, $4, true)
				 on conflict (vote_id, participant_id) do update set choices = excluded.choices`,
				[vote.id, room.id, ana.id, JSON.stringify([cries[1]])]
			)
		).rejects.toMatchObject({ code: '42501' });
		expect((await votes.myBallot(participants.asParticipant(db, ana), ana, vote.id))?.choices).toEqual([
			cries[0]
		]);
	});
});
