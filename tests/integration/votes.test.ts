// Votes on every engine: the rules a ballot must keep, and 500 participants casting and re-casting
// in parallel, with retries of the same request, ending in exactly the expected count.
import type { Database, Handle } from '$lib/server/db';
import { exciteState } from '$lib/server/live';
import * as participants from '$lib/server/participants';
import * as rallyingCries from '$lib/server/rallyingCries';
import * as votes from '$lib/server/votes';
import { tally, type Ballot } from '$lib/tally';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import { asMember, member, organisation, participant, workshop } from '../setup/fixtures';

const CROWD = 500;

describe.each(engines)('votes on %s', (engine) => {
	let db: Database;
	let facilitator: Handle;
	let room: { id: string; joinCode: string };
	let cries: string[];
	let org: string;
	let facilitatorId: string;

	async function joined(name: string): Promise<participants.Participant> {
		const { id } = await participant(db, room.joinCode, name);
		return { id, workshopId: room.id, joinCode: room.joinCode, displayName: name };
	}
	const as = (me: participants.Participant) => participants.asParticipant(db, me);

	beforeAll(async () => {
		db = await freshDatabase(engine);
		org = await organisation(db, 'Harbour');
		facilitatorId = await member(db, org, 'facilitator');
		facilitator = asMember(db, facilitatorId);
		room = await workshop(db, org, facilitatorId, { status: 'live', stage: 'excite' });
		cries = [];
		for (const text of ["Let's Go!", 'Customers first', 'Fix it once']) {
			const [row] = await db.query<{ id: string }>(
				`insert into rallying_cries (workshop_id, text) values ($1, $2) returning id`,
				[room.id, text]
			);
			cries.push(row!.id);
		}
	});
	afterAll(() => db.close());

	describe('ballot rules', () => {
		let ana: participants.Participant;
		beforeAll(async () => {
			ana = await joined('Ana');
		});

		it('only a facilitator opens a vote, and one per subject at a time', async () => {
			expect(await votes.open(as(ana), room.id, { subject: 'rallying_cry', method: 'single' })).toBeNull();
			const vote = await votes.open(facilitator, room.id, { subject: 'rallying_cry', method: 'single' });
			expect(vote).toMatchObject({ status: 'open', method: 'single' });
			expect(await votes.open(facilitator, room.id, { subject: 'rallying_cry', method: 'dot' })).toBeNull();
			await votes.close(facilitator, vote!.id);
		});

		it.each([
			['single', {}, ['a', 'b'], 'Choose exactly one'],
			['dot', { dots: 2 }, ['a', 'b', 'c'], 'You have 2 dots'],
			['dot', { dots: 3 }, ['a', 'a'], 'only once'],
			['ranked', {}, ['a', 'b', 'a'], 'only once'],
			['single', {}, ['stranger'], 'not on this vote']
		] as const)(
			'a %s ballot that breaks the rules is refused: %j → %s',
			async (method, extra, choices, message) => {
				const vote = await votes.open(facilitator, room.id, { subject: 'rallying_cry', method, ...extra });
				const ids = choices.map((choice) =>
					choice === 'stranger' ? '00000000-0000-4000-8000-000000000000' : cries['abc'.indexOf(choice)]!
				);
				await expect(votes.cast(as(ana), ana, vote!.id, ids)).rejects.toThrow(message);
				await votes.close(facilitator, vote!.id);
			}
		);

		it('stacked dots count when the vote allows them; ballots close with the vote', async () => {
			const vote = (await votes.open(facilitator, room.id, {
				subject: 'rallying_cry',
				method: 'dot',
				dots: 3,
				mayStack: true
			}))!;
			await votes.cast(as(ana), ana, vote.id, [cries[0]!, cries[0]!, cries[2]!]);
			expect((await votes.myBallot(as(ana), ana, vote.id))?.choices).toEqual([cries[0], cries[0], cries[2]]);
			expect((await votes.count(facilitator, vote)).totals[0]).toEqual({ option: cries[0], votes: 2 });
			await votes.close(facilitator, vote.id);
			await expect(votes.cast(as(ana), ana, vote.id, [cries[1]!])).rejects.toThrow('closed');
			expect((await votes.myBallot(as(ana), ana, vote.id))?.choices).toEqual([cries[0], cries[0], cries[2]]);
		});

		it('a participant reads only their own ballot; the facilitator may peek at the count', async () => {
			const vote = (await votes.open(facilitator, room.id, { subject: 'rallying_cry', method: 'single' }))!;
			const ben = await joined('Ben');
			await votes.cast(as(ana), ana, vote.id, [cries[0]!]);
			await votes.cast(as(ben), ben, vote.id, [cries[1]!]);
			expect((await votes.myBallot(as(ana), ana, vote.id))?.choices).toEqual([cries[0]]);
			expect((await votes.count(as(ana), vote)).ballots).toBe(0); // secret: a phone counts none
			expect((await votes.count(facilitator, vote)).ballots).toBe(2);
			// The peek counts choices; who chose what stays unreadable, even to the facilitator.
			expect(await facilitator.query(`select 1 from ballots where vote_id = $1`, [vote.id])).toEqual([]);
			await expect(
				as(ana).query(`update ballots set choices = $2 where vote_id = $1 and participant_id = $3`, [
					vote.id,
					JSON.stringify([cries[2]]),
					ben.id
				])
			).resolves.toEqual([]);
			expect((await votes.myBallot(as(ben), ben, vote.id))?.choices).toEqual([cries[1]]);
			await votes.close(facilitator, vote.id);
		});
	});

	describe('rallying cries and the reveal', () => {
		let ana: participants.Participant;
		let ben: participants.Participant;
		let cara: participants.Participant;
		let proposed: string[];
		let outer: typeof room;
		beforeAll(async () => {
			// A workshop of their own: proposals close once a vote on the cries has opened.
			outer = room;
			room = await workshop(db, org, facilitatorId, { status: 'live', stage: 'excite' });
			[ana, ben, cara] = [await joined('Ana'), await joined('Ben'), await joined('Cara')];
			proposed = [];
		});
		afterAll(() => {
			room = outer;
		});

		it('merges the same cry proposed twice, however it is punctuated', async () => {
			const first = await rallyingCries.propose(as(ana), ana, 'Own it!');
			const again = await rallyingCries.propose(as(ben), ben, 'own it');
			const other = await rallyingCries.propose(as(cara), cara, 'Every call counts');
			expect([first.merged, again.merged, other.merged]).toEqual([false, true, false]);
			expect(again.id).toBe(first.id);
			proposed.push(first.id, other.id);
			const { cries } = await exciteState(db, room.id, 'participant');
			expect(cries.map((cry) => [cry.text, cry.proposals])).toEqual([
				['Own it!', 2],
				['Every call counts', 1]
			]);
		});

		it('keeps results from phones and the screen until the reveal; the facilitator may peek', async () => {
			const vote = (await votes.open(facilitator, room.id, { subject: 'rallying_cry', method: 'single' }))!;
			await votes.cast(as(ana), ana, vote.id, [proposed[0]!]);
			await votes.cast(as(ben), ben, vote.id, [proposed[0]!]);
			await votes.cast(as(cara), cara, vote.id, [proposed[1]!]);
			for (const audience of ['participant', 'screen'] as const) {
				const { vote: seen } = await exciteState(db, room.id, audience);
				expect(seen).toMatchObject({ status: 'open', ballots: 3, result: null });
			}
			expect((await exciteState(db, room.id, 'facilitator')).vote?.result?.winners).toEqual([proposed[0]]);
			expect((await votes.count(as(ana), vote)).ballots).toBe(0); // ballots are secret: a phone counts none
			expect(await votes.reveal(as(ana), vote.id)).toBeNull();
			const result = await votes.reveal(facilitator, vote.id);
			// Once revealed, anyone in the room reads the stored result (without learning who voted how).
			expect((await votes.get(as(ana), vote.id))?.result).toEqual(result);
			expect(result?.labels).toEqual({ [proposed[0]!]: 'Own it!', [proposed[1]!]: 'Every call counts' });
			expect(result?.winners).toEqual([proposed[0]]);
			const { vote: revealed } = await exciteState(db, room.id, 'participant');
			expect(revealed).toMatchObject({ status: 'revealed', winnerId: proposed[0] });
			expect(revealed?.result?.totals[0]).toEqual({ option: proposed[0], votes: 2 });
			const [row] = await db.query<{ rallying_cry_id: string }>(
				`select rallying_cry_id from workshops where id = $1`,
				[room.id]
			);
			expect(row!.rallying_cry_id).toBe(proposed[0]);
			await expect(votes.cast(as(ana), ana, vote.id, [proposed[1]!])).rejects.toThrow('closed');
		});

		it('a tie is shown as a tie, then broken by the facilitator or by a runoff among the tied', async () => {
			await db.query(`update workshops set rallying_cry_id = null where id = $1`, [room.id]);
			const tied = (await votes.open(facilitator, room.id, { subject: 'rallying_cry', method: 'single' }))!;
			await votes.cast(as(ana), ana, tied.id, [proposed[0]!]);
			await votes.cast(as(ben), ben, tied.id, [proposed[1]!]);
			expect((await votes.reveal(facilitator, tied.id))?.winners).toEqual(proposed);
			expect((await votes.get(db, tied.id))?.winnerId).toBeNull();

			const runoff = (await votes.runoff(facilitator, tied.id))!;
			expect(runoff).toMatchObject({ method: 'single', options: proposed, status: 'open' });
			await votes.close(facilitator, runoff.id);

			expect(await votes.breakTie(as(ana), tied.id, proposed[1]!)).toBe(false);
			expect(await votes.breakTie(facilitator, tied.id, cries[0]!)).toBe(false);
			expect(await votes.breakTie(facilitator, tied.id, proposed[1]!)).toBe(true);
			expect(await votes.breakTie(facilitator, tied.id, proposed[0]!)).toBe(false);
			const [row] = await db.query<{ rallying_cry_id: string }>(
				`select rallying_cry_id from workshops where id = $1`,
				[room.id]
			);
			expect(row!.rallying_cry_id).toBe(proposed[1]);
		});
	});

	it(`${CROWD} participants cast and re-cast ranked ballots in parallel, with retries: the count is exact`, async () => {
		// On the ballot paper: the three cries made at the start, and no others.
		await db.query(`update rallying_cries set hidden = not (id = any($2)) where workshop_id = $1`, [
			room.id,
			cries
		]);
		const vote = (await votes.open(facilitator, room.id, { subject: 'rallying_cry', method: 'ranked' }))!;
		const crowd: participants.Participant[] = [];
		for (let i = 0; i < CROWD; i++) crowd.push(await joined(`P${i}`));
		// Each participant first votes one way, then changes their mind; the final ballot is sent
		// three times at once, as a phone retrying after a dropped connection would.
		const first = (i: number): Ballot => [cries[i % 3]!];
		const final = (i: number): Ballot => [cries[(i * 7) % 3]!, cries[(i * 7 + 1) % 3]!].slice(0, 1 + (i % 2));
		await Promise.all(
			crowd.map(async (me, i) => {
				await votes.cast(as(me), me, vote.id, [...first(i)]);
				await Promise.all([1, 2, 3].map(() => votes.cast(as(me), me, vote.id, [...final(i)])));
			})
		);
		const counted = await votes.count(facilitator, vote);
		expect(counted.ballots).toBe(CROWD);
		expect(counted).toEqual(
			tally(
				'ranked',
				cries,
				crowd.map((_, i) => final(i)),
				vote.id
			)
		);
		const [row] = await db.query<{ n: number }>(`select count(*)::int as n from ballots where vote_id = $1`, [
			vote.id
		]);
		expect(row!.n).toBe(CROWD);
	}, 120_000);

	it.each([
		['single', {}],
		['dot', { dots: 3, mayStack: true }],
		['dot', { dots: 2, mayStack: false }]
	] as const)(
		'a %s vote %j is added up in the database exactly as tally.ts counts its ballots',
		async (method, rules) => {
			await db.query(`update votes set status = 'closed', closed_at = now() where status = 'open'`);
			const vote = (await votes.open(facilitator, room.id, { subject: 'rallying_cry', method, ...rules }))!;
			const options = await votes.choices(db, vote.id);
			const voters = await Promise.all(Array.from({ length: 40 }, (_, i) => joined(`${method}${i}`)));
			// Ballots of every allowed shape, from a fixed sequence so a failure can be replayed.
			const pick = (i: number, k: number) => options[(i * 7 + k * 3 + (i >> 2)) % options.length]!;
			const ballotOf = (i: number): string[] => {
				if (method === 'single') return [pick(i, 0)];
				const size = 1 + (i % (rules.dots ?? 1));
				const dots = Array.from({ length: size }, (_, k) => pick(i, rules.mayStack ? k % 2 : k));
				return rules.mayStack ? dots : [...new Set(dots)];
			};
			await Promise.all(voters.slice(0, 37).map((me, i) => votes.cast(as(me), me, vote.id, ballotOf(i))));
			const expected = tally(
				method,
				options,
				voters.slice(0, 37).map((_, i) => ballotOf(i))
			);
			expect(await votes.count(facilitator, vote)).toEqual(expected);
			const labels = await votes.reveal(facilitator, vote.id).then((result) => result?.labels);
			expect((await votes.get(as(voters[39]!), vote.id))?.result).toEqual({ ...expected, labels });
		}
	);
});
