// Grow's rules on every engine: obstacles (typed, or from a bad story in one tap), fixes, the dot
// vote with hidden counts, moderation and actions.
import { charter } from '$lib/server/charter';
import type { Database, Handle } from '$lib/server/db';
import { growState } from '$lib/server/live';
import { PostingClosedError } from '$lib/server/posting';
import * as obstacles from '$lib/server/obstacles';
import * as participants from '$lib/server/participants';
import * as stories from '$lib/server/stories';
import * as votes from '$lib/server/votes';
import * as workshops from '$lib/server/workshops';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import { asMember, member, organisation, participant, workshop } from '../setup/fixtures';

describe.each(engines)('Grow on %s', (engine) => {
	let db: Database;
	let facilitator: Handle;
	let leader: Handle;
	let room: { id: string; joinCode: string };
	let ana: participants.Participant;
	let ben: participants.Participant;
	const as = (me: participants.Participant) => participants.asParticipant(db, me);

	beforeAll(async () => {
		db = await freshDatabase(engine);
		const org = await organisation(db, 'Harbour');
		const facilitatorId = await member(db, org, 'facilitator');
		facilitator = asMember(db, facilitatorId);
		leader = asMember(db, await member(db, org, 'leader'));
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

	it('obstacles are named only during Grow; a bad story becomes one in a tap, a good one cannot', async () => {
		const story = (k: 'good' | 'bad', title: string) =>
			stories.post(
				as(ana),
				ana,
				{
					kind: k,
					perspective: 'customer',
					title,
					body: 'What happened',
					feeling: null,
					company: null,
					themes: [],
					consent: 'room'
				},
				randomUUID()
			);
		const bad = await story('bad', 'Nobody owned my complaint');
		const good = await story('good', 'Sorted in one call');
		await expect(obstacles.post(as(ben), ben, { text: 'Too early' })).rejects.toThrow(PostingClosedError);
		await workshops.setStage(facilitator, room.id, 'grow');
		await obstacles.post(as(ben), ben, { text: 'Hand-offs lose the history' });
		await obstacles.post(as(ben), ben, { fromStoryId: bad.id });
		await expect(obstacles.post(as(ben), ben, { fromStoryId: good.id })).rejects.toThrow('cannot become');
		const { obstacles: board } = await growState(db, room.id, 'participant');
		expect(board.map((o) => [o.text, o.fromStory])).toEqual([
			['Hand-offs lose the history', false],
			['Nobody owned my complaint', true]
		]);
	});

	it('fixes attach to obstacles; only the namer withdraws one; the facilitator hides one from the room', async () => {
		const { obstacles: board } = await growState(db, room.id, 'participant');
		await obstacles.proposeFix(as(ana), ana, board[0]!.id, 'One shared case history');
		expect((await growState(db, room.id, 'screen')).obstacles[0]!.fixes).toEqual(['One shared case history']);
		await expect(obstacles.withdraw(as(ana), ana, board[0]!.id)).rejects.toThrow(PostingClosedError);
		expect(await obstacles.setHidden(as(ana), room.id, board[1]!.id, true)).toBe(false);
		expect(await obstacles.setHidden(facilitator, room.id, board[1]!.id, true)).toBe(true);
		expect((await growState(db, room.id, 'screen')).obstacles).toHaveLength(1);
		expect((await growState(db, room.id, 'facilitator')).obstacles).toHaveLength(2);
		await obstacles.setHidden(facilitator, room.id, board[1]!.id, false);
	});

	it('dot voting: stacked dots within the budget, counts hidden until the reveal ranks them', async () => {
		const board = (await growState(db, room.id, 'participant')).obstacles.map((o) => o.id);
		const vote = (await votes.open(facilitator, room.id, {
			subject: 'obstacles',
			method: 'dot',
			dots: 3,
			mayStack: true
		}))!;
		await votes.cast(as(ana), ana, vote.id, [board[1]!, board[1]!, board[0]!]);
		await votes.cast(as(ben), ben, vote.id, [board[1]!]);
		await expect(
			votes.cast(as(ben), ben, vote.id, [board[0]!, board[0]!, board[0]!, board[1]!])
		).rejects.toThrow('3 dots');
		expect((await growState(db, room.id, 'screen')).vote).toMatchObject({ ballots: 2, result: null });
		expect((await growState(db, room.id, 'facilitator')).vote?.result?.totals[0]).toEqual({
			option: board[1],
			votes: 3
		});
		await votes.reveal(facilitator, vote.id);
		const revealed = (await growState(db, room.id, 'participant')).vote!;
		expect(revealed.result?.totals.map((count) => [count.option, count.votes])).toEqual([
			[board[1], 3],
			[board[0], 1]
		]);
	});

	it('actions: only the facilitator writes them, for an obstacle of this workshop; the charter lists them', async () => {
		const board = (await growState(db, room.id, 'participant')).obstacles.map((o) => o.id);
		const action = {
			obstacleId: board[1]!,
			title: 'Case ownership',
			ownerName: 'Marco',
			dueOn: '2027-01-31'
		};
		expect(await obstacles.addAction(as(ana), room.id, action)).toBe(false);
		expect(await obstacles.addAction(facilitator, room.id, { ...action, obstacleId: randomUUID() })).toBe(
			false
		);
		expect(await obstacles.addAction(facilitator, room.id, action)).toBe(true);
		const { actions } = await growState(db, room.id, 'participant');
		expect(actions).toMatchObject([{ title: 'Case ownership', ownerName: 'Marco', dueOn: '2027-01-31' }]);
		const read = (await charter(leader, room.joinCode))!;
		expect(read.obstacles[0]).toMatchObject({ id: board[1], dots: 3 });
		expect(read.actions).toMatchObject([{ title: 'Case ownership', obstacleId: board[1] }]);
		expect(await obstacles.removeAction(facilitator, room.id, actions[0]!.id)).toBe(true);
	});
});
