// An acknowledged choice is final: a phone numbers each replaceable answer (ballot, mood, closing
// check), and a request it gave up on that reaches the database after a newer one was acknowledged
// changes nothing. On every engine.
import type { Database, Handle } from '$lib/server/db';
import * as moods from '$lib/server/moods';
import * as participants from '$lib/server/participants';
import * as vision from '$lib/server/vision';
import * as votes from '$lib/server/votes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import { asMember, member, organisation, participant, workshop } from '../setup/fixtures';

describe.each(engines)('answers kept in the order a phone made them, on %s', (engine) => {
	let db: Database;
	let org: string;
	let facilitatorId: string;
	let facilitator: Handle;

	async function joinedIn(room: { id: string; joinCode: string }, name: string) {
		const { id } = await participant(db, room.joinCode, name);
		const me: participants.Participant = {
			id,
			workshopId: room.id,
			joinCode: room.joinCode,
			displayName: name
		};
		return { me, as: participants.asParticipant(db, me) };
	}

	beforeAll(async () => {
		db = await freshDatabase(engine);
		org = await organisation(db, 'Harbour');
		facilitatorId = await member(db, org, 'facilitator');
		facilitator = asMember(db, facilitatorId);
	});
	afterAll(() => db.close());

	async function cries(roomId: string, texts: string[]): Promise<string[]> {
		const ids: string[] = [];
		for (const text of texts) {
			const [row] = await db.query<{ id: string }>(
				`insert into rallying_cries (workshop_id, text) values ($1, $2) returning id`,
				[roomId, text]
			);
			ids.push(row!.id);
		}
		return ids;
	}

	it('an abandoned older ballot arriving after a newer acknowledged one is refused, and the answer is the kept ballot', async () => {
		const room = await workshop(db, org, facilitatorId, { stage: 'excite' });
		const [go, first] = await cries(room.id, ["Let's Go!", 'Customers first']);
		const vote = await votes.open(facilitator, room.id, { subject: 'rallying_cry', method: 'single' });
		const { me, as } = await joinedIn(room, 'Ana');

		expect(await votes.cast(as, me, vote!.id, [go!], 1_000)).toEqual({ voteId: vote!.id, choices: [go] });
		expect(await votes.cast(as, me, vote!.id, [first!], 3_000)).toEqual({
			voteId: vote!.id,
			choices: [first]
		});
		// The request numbered 2,000 was given up on; it arrives now.
		expect(await votes.cast(as, me, vote!.id, [go!], 2_000)).toEqual({ voteId: vote!.id, choices: [first] });
		expect(await votes.myBallot(as, me, vote!.id)).toEqual({ voteId: vote!.id, choices: [first] });
		// The same request again (a retry) is no older than itself.
		expect(await votes.cast(as, me, vote!.id, [first!], 3_000)).toEqual({
			voteId: vote!.id,
			choices: [first]
		});
		// A send without a number (no JavaScript) is numbered by the server's clock, so it is newer.
		expect(await votes.cast(as, me, vote!.id, [go!])).toEqual({ voteId: vote!.id, choices: [go] });
		expect(await votes.cast(as, me, vote!.id, [first!], 4_000)).toEqual({ voteId: vote!.id, choices: [go] });
	});

	it('many sends racing in any order keep each phone’s newest choice', async () => {
		const room = await workshop(db, org, facilitatorId, { stage: 'excite' });
		const options = await cries(room.id, ['A', 'B', 'C', 'D']);
		const vote = await votes.open(facilitator, room.id, { subject: 'rallying_cry', method: 'single' });
		const phones = await Promise.all(Array.from({ length: 20 }, (_, i) => joinedIn(room, `P${i}`)));
		// Each phone changes its ballot four times; the requests arrive in a shuffled order.
		const sends = phones.flatMap((phone, p) =>
			options.map((option, n) => ({ phone, option, seq: 10_000 + n, order: (p * 7 + n * 13) % 17 }))
		);
		sends.sort((a, b) => a.order - b.order);
		await Promise.all(
			sends.map(({ phone, option, seq }) => votes.cast(phone.as, phone.me, vote!.id, [option], seq))
		);
		for (const { me, as } of phones) {
			expect(await votes.myBallot(as, me, vote!.id)).toEqual({ voteId: vote!.id, choices: [options[3]] });
		}
	});

	it('an older mood arriving late changes nothing', async () => {
		const room = await workshop(db, org, facilitatorId, { stage: 'explore' });
		const { me, as } = await joinedIn(room, 'Ben');
		await moods.post(as, me, { score: 2, line: 'slow', seq: 5_000 });
		await moods.post(as, me, { score: 5, line: 'sorted', seq: 6_000 });
		// The late one's answer is the mood kept, so the phone shows that.
		expect(await moods.post(as, me, { score: 2, line: 'slow', seq: 5_000 })).toEqual({
			score: 5,
			line: 'sorted'
		});
		expect(await moods.mine(as, me)).toEqual({ score: 5, line: 'sorted' });
	});

	it('an older closing check arriving late changes nothing', async () => {
		const room = await workshop(db, org, facilitatorId, { stage: 'excite' });
		await vision.saveDraft(facilitator, room.id, { base: 0, body: 'We make every customer feel known.' });
		const { me, as } = await joinedIn(room, 'Cara');
		await vision.setCheck(as, me, { version: 1, stance: 'disagree', reason: 'vague', seq: 7_000 });
		await vision.setCheck(as, me, { version: 1, stance: 'agree', reason: null, seq: 8_000 });
		await vision.setCheck(as, me, { version: 1, stance: 'disagree', reason: 'vague', seq: 7_000 });
		expect(await vision.myCheck(as, me)).toEqual({ version: 1, stance: 'agree', reason: null });
	});
});
