// Results that stay true, on every engine: a revealed result is stored at the reveal and is what
// every audience and the charter show from then on, whatever is proposed, hidden, cast or merged
// later; proposals close when a vote on them opens; duplicate obstacles merge with their fixes,
// actions and dots; a dot-vote tie for the top is settled by the facilitator or a runoff.
import { charter } from '$lib/server/charter';
import type { Database, Handle } from '$lib/server/db';
import { exciteState, growState } from '$lib/server/live';
import { PostingClosedError } from '$lib/server/posting';
import * as obstacles from '$lib/server/obstacles';
import * as participants from '$lib/server/participants';
import * as rallyingCries from '$lib/server/rallyingCries';
import * as votes from '$lib/server/votes';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import { asMember, member, organisation, participant, REFUSED, story, workshop } from '../setup/fixtures';

const AUDIENCES = ['participant', 'screen', 'facilitator'] as const;

describe.each(engines)('results that stay true on %s', (engine) => {
	let db: Database;
	let org: string;
	let facilitatorId: string;
	let facilitator: Handle;
	let leader: Handle;
	const as = (me: participants.Participant) => participants.asParticipant(db, me);

	beforeAll(async () => {
		db = await freshDatabase(engine);
		org = await organisation(db, 'Harbour');
		facilitatorId = await member(db, org, 'facilitator');
		facilitator = asMember(db, facilitatorId);
		leader = asMember(db, await member(db, org, 'leader'));
	});
	afterAll(() => db.close());

	/** A live workshop in `stage`, with people joined by these names. */
	async function room(stage: 'grow' | 'excite', names: string[]) {
		const { id, joinCode } = await workshop(db, org, facilitatorId, { status: 'live', stage });
		const people: participants.Participant[] = [];
		for (const name of names) {
			const { id: personId } = await participant(db, joinCode, name);
			people.push({ id: personId, workshopId: id, joinCode, displayName: name });
		}
		return { id, joinCode, people };
	}

	/** What each audience is shown of a subject's latest vote. */
	async function shown(workshopId: string, subject: votes.VoteSubject) {
		const views = [];
		for (const audience of AUDIENCES) {
			const state =
				subject === 'rallying_cry'
					? await exciteState(db, workshopId, audience)
					: await growState(db, workshopId, audience);
			const { result, labels, winnerId, status } = state.vote!;
			views.push({ audience, status, result, labels, winnerId });
		}
		return views;
	}

	/** An obstacle named by the facilitator on someone's behalf (as a phone would, before any vote). */
	async function obstacle(workshopId: string, text: string): Promise<string> {
		const [row] = await facilitator.query<{ id: string }>(
			`insert into obstacles (workshop_id, text, on_behalf) values ($1, $2, true) returning id`,
			[workshopId, text]
		);
		return row!.id;
	}

	async function ballotsOf(voteId: string): Promise<Record<string, string[]>> {
		const rows = await db.query<{ name: string; choices: string[] }>(
			`select p.display_name as name, b.choices from ballots b join participants p on p.id = b.participant_id
			 where b.vote_id = $1`,
			[voteId]
		);
		return Object.fromEntries(rows.map((row) => [row.name, row.choices]));
	}

	it('a revealed vote is frozen: later proposals, hides and ballots change nothing anywhere; the charter agrees', async () => {
		const { id, joinCode, people } = await room('excite', ['Ana', 'Ben', 'Cara', 'Dev']);
		const [ana, ben, cara, dev] = people as [
			participants.Participant,
			participants.Participant,
			participants.Participant,
			participants.Participant
		];
		const go = (await rallyingCries.propose(as(ana), ana, "Let's Go!")).id;
		const first = (await rallyingCries.propose(as(ben), ben, 'Customers first')).id;
		await rallyingCries.propose(as(cara), cara, 'Own it');
		const vote = (await votes.open(facilitator, id, { subject: 'rallying_cry', method: 'single' }))!;
		await votes.cast(as(ana), ana, vote.id, [go]);
		await votes.cast(as(ben), ben, vote.id, [go]);
		await votes.cast(as(cara), cara, vote.id, [first]);
		const revealed = (await votes.reveal(facilitator, vote.id))!;
		expect(revealed.winners).toEqual([go]);
		const before = await shown(id, 'rallying_cry');
		for (const view of before) {
			expect(view).toMatchObject({ status: 'revealed', result: revealed, winnerId: go });
			expect(view.labels).toEqual(revealed.labels);
		}

		// Afterwards: the winner hidden, a proposal, a ballot from the phone and one slipped in as the owner.
		expect(await rallyingCries.setHidden(facilitator, id, go, true)).toBe(true);
		await expect(rallyingCries.propose(as(dev), dev, 'Every call counts')).rejects.toThrow(
			PostingClosedError
		);
		await expect(votes.cast(as(dev), dev, vote.id, [first])).rejects.toThrow('This vote is closed.');
		await expect(
			db.query(
				`insert into ballots (vote_id, workshop_id, participant_id, choices) values ($1, $2, $3, $4)`,
				[vote.id, id, dev.id, JSON.stringify([first])]
			)
		).rejects.toThrow('This vote is closed');

		expect(await shown(id, 'rallying_cry')).toEqual(before);
		expect(before[0]!.labels![go]).toBe("Let's Go!");
		const read = (await charter(leader, joinCode))!;
		expect(read.rallyingCry).toBe("Let's Go!");
	});

	it('the database keeps a stored result as it was revealed, and stores one only at a reveal', async () => {
		const { id, people } = await room('excite', ['Ana']);
		const cry = (await rallyingCries.propose(as(people[0]!), people[0]!, 'Own it')).id;
		const vote = (await votes.open(facilitator, id, { subject: 'rallying_cry', method: 'single' }))!;
		const tampered = JSON.stringify({ method: 'single', ballots: 9, totals: [], rounds: [], winners: [] });
		// Not before the reveal, not by revealing without a result, not on a new vote…
		await expect(
			db.query(`update votes set result = $2, labels = '{}' where id = $1`, [vote.id, tampered])
		).rejects.toThrow();
		await expect(
			db.query(`update votes set status = 'revealed', revealed_at = now(), closed_at = now() where id = $1`, [
				vote.id
			])
		).rejects.toThrow('revealed with its result');
		await expect(
			db.query(
				`insert into votes (workshop_id, subject, method, status, closed_at, revealed_at, result, labels)
				 values ($1, 'obstacles', 'single', 'revealed', now(), now(), $2, '{}')`,
				[id, tampered]
			)
		).rejects.toThrow('revealed by its reveal');
		await votes.cast(as(people[0]!), people[0]!, vote.id, [cry]);
		const result = (await votes.reveal(facilitator, vote.id))!;
		// …and never changed afterwards, not even by the owner connection.
		await expect(db.query(`update votes set result = $2 where id = $1`, [vote.id, tampered])).rejects.toThrow(
			'A revealed result cannot change'
		);
		await expect(db.query(`update votes set labels = '{}' where id = $1`, [vote.id])).rejects.toThrow(
			'A revealed result cannot change'
		);
		expect(await votes.reveal(facilitator, vote.id)).toBeNull();
		expect((await votes.get(db, vote.id))?.result).toEqual(result);
	});

	describe('a ballot and the reveal of its vote never pass each other', () => {
		/** A latch: `open()` lets whoever awaits `passed` through. */
		const latch = () => {
			let open!: () => void;
			const passed = new Promise<void>((resolve) => (open = resolve));
			return { open, passed };
		};
		/** On PostgreSQL, waits until a statement is blocked on a lock (PGlite runs one transaction at a time). */
		const blocked = async () => {
			if (engine !== 'postgres') return;
			await expect
				.poll(async () => {
					const [row] = await db.query<{ n: number }>(
						`select count(*)::int as n from pg_stat_activity
						 where datname = current_database() and wait_event_type = 'Lock'`
					);
					return row!.n;
				})
				.toBe(1);
		};

		it('the reveal waits for a ballot being cast, and counts it', async () => {
			const { id, people } = await room('excite', ['Ana']);
			const ana = people[0]!;
			const cry = (await rallyingCries.propose(as(ana), ana, 'Own it')).id;
			const vote = (await votes.open(facilitator, id, { subject: 'rallying_cry', method: 'single' }))!;
			const cast = latch();
			const commit = latch();
			const casting = as(ana).transaction(async (tx) => {
				await votes.cast(tx, ana, vote.id, [cry]);
				cast.open();
				await commit.passed;
			});
			await cast.passed;
			const revealing = votes.reveal(facilitator, vote.id);
			await blocked();
			commit.open();
			await casting;
			expect((await revealing)?.ballots).toBe(1);
		});

		it('a ballot cast while the reveal counts waits, then is refused', async () => {
			const { id, people } = await room('excite', ['Ana']);
			const ana = people[0]!;
			const cry = (await rallyingCries.propose(as(ana), ana, 'Own it')).id;
			const vote = (await votes.open(facilitator, id, { subject: 'rallying_cry', method: 'single' }))!;
			const locked = latch();
			const count = latch();
			const revealing = facilitator.transaction(async (tx) => {
				await tx.query(`select id from votes where id = $1 for update`, [vote.id]); // as the reveal begins
				locked.open();
				await count.passed;
				return votes.reveal(tx, vote.id);
			});
			await locked.passed;
			const casting = votes.cast(as(ana), ana, vote.id, [cry]);
			const refused = expect(casting).rejects.toThrow('This vote is closed.');
			await blocked();
			count.open();
			expect((await revealing)?.ballots).toBe(0);
			await refused;
			const [row] = await db.query<{ n: number }>(
				`select count(*)::int as n from ballots where vote_id = $1`,
				[vote.id]
			);
			expect(row!.n).toBe(0);
		});
	});

	it('votes revealed before results were stored get theirs once, at start-up', async () => {
		const { id, people } = await room('excite', ['Ana', 'Ben']);
		const cry = (await rallyingCries.propose(as(people[0]!), people[0]!, 'Own it')).id;
		const vote = (await votes.open(facilitator, id, { subject: 'rallying_cry', method: 'single' }))!;
		for (const me of people) await votes.cast(as(me), me, vote.id, [cry]);
		// As an older version of the app left it: revealed, nothing stored.
		await db.exec(`alter table votes disable trigger votes_guard_result`);
		await db.query(
			`update votes set status = 'revealed', closed_at = now(), revealed_at = now() where id = $1`,
			[vote.id]
		);
		await db.exec(`alter table votes enable trigger votes_guard_result`);
		expect(await votes.freezeEarlierReveals(db)).toBe(1);
		expect((await votes.get(db, vote.id))?.result).toMatchObject({
			ballots: 2,
			winners: [cry],
			labels: { [cry]: 'Own it' }
		});
		expect(await votes.freezeEarlierReveals(db)).toBe(0);
	});

	it('proposals close when a vote on them opens: rallying cries and obstacles; fixes stay open', async () => {
		const excite = await room('excite', ['Ana', 'Ben']);
		const [ana, ben] = excite.people as [participants.Participant, participants.Participant];
		await rallyingCries.propose(as(ana), ana, 'Own it');
		const cryVote = (await votes.open(facilitator, excite.id, {
			subject: 'rallying_cry',
			method: 'single'
		}))!;
		await expect(rallyingCries.propose(as(ben), ben, 'One call, done')).rejects.toThrow(
			'The vote has opened, so new rallying cries are closed.'
		);
		// A repeat of a cry already proposed is a proposal too.
		await expect(rallyingCries.propose(as(ben), ben, 'own it')).rejects.toThrow(PostingClosedError);
		await expect(
			facilitator.query(
				`insert into rallying_cries (workshop_id, text, on_behalf) values ($1, 'Late', true)`,
				[excite.id]
			)
		).rejects.toMatchObject(REFUSED);
		// Still closed once the vote has closed (a runoff does not reopen them either).
		await votes.close(facilitator, cryVote.id);
		await expect(rallyingCries.propose(as(ben), ben, 'One call, done')).rejects.toThrow(
			'new rallying cries are closed'
		);

		const grow = await room('grow', ['Cara', 'Dev']);
		const [cara, dev] = grow.people as [participants.Participant, participants.Participant];
		const named = await obstacles.post(as(cara), cara, { text: 'Hand-offs lose the history' });
		const bad = await story(db, grow.id, { kind: 'bad', title: 'Nobody owned my complaint' });
		await votes.open(facilitator, grow.id, { subject: 'obstacles', method: 'dot', dots: 3 });
		await expect(obstacles.post(as(dev), dev, { text: 'No refunds without a manager' })).rejects.toThrow(
			'Dot voting has opened, so no new obstacles now. Fixes are still welcome.'
		);
		await expect(obstacles.post(as(dev), dev, { fromStoryId: bad })).rejects.toThrow('Dot voting has opened');
		await expect(
			facilitator.query(`insert into obstacles (workshop_id, text, on_behalf) values ($1, 'Late', true)`, [
				grow.id
			])
		).rejects.toMatchObject(REFUSED);
		await obstacles.proposeFix(as(dev), dev, named, 'One shared case history');
		expect((await growState(db, grow.id, 'participant')).obstacles).toMatchObject([
			{ id: named, fixes: ['One shared case history'] }
		]);
	});

	it('merging duplicate obstacles moves their fixes, actions and dots; a revealed result keeps them as revealed', async () => {
		const { id, joinCode, people } = await room('grow', ['Ana', 'Ben', 'Cara']);
		const [ana, ben, cara] = people as [
			participants.Participant,
			participants.Participant,
			participants.Participant
		];
		const kept = await obstacle(id, 'Hand-offs lose the history');
		const duplicate = await obstacle(id, 'Nobody knows what was said before');
		const other = await obstacle(id, 'No refunds without a manager');
		const fourth = await obstacle(id, 'Scripts, not conversations');
		await obstacles.proposeFix(as(ana), ana, duplicate, 'One shared case history');
		await obstacles.proposeFix(as(ben), ben, kept, 'Warm transfers only');
		expect(
			await obstacles.addAction(facilitator, id, {
				obstacleId: duplicate,
				title: 'Pilot a shared history',
				ownerName: 'Priya',
				dueOn: null
			})
		).toBe(true);

		// Three dot votes: one revealed, one closed (not yet revealed), one open without stacking.
		const open = (rules: Partial<votes.VoteRules>) =>
			votes.open(facilitator, id, { subject: 'obstacles', method: 'dot', dots: 3, ...rules }).then((v) => v!);
		const revealed = await open({ mayStack: true });
		await votes.cast(as(ana), ana, revealed.id, [duplicate, duplicate, kept]);
		const frozen = (await votes.reveal(facilitator, revealed.id))!;
		const frozenViews = await shown(id, 'obstacles');
		const closed = await open({ mayStack: true });
		await votes.cast(as(ana), ana, closed.id, [kept, duplicate, duplicate]);
		await votes.cast(as(ben), ben, closed.id, [duplicate, other]);
		await votes.close(facilitator, closed.id);
		const current = await open({ dots: 2, mayStack: false });
		await votes.cast(as(ana), ana, current.id, [kept, duplicate]);
		await votes.cast(as(ben), ben, current.id, [duplicate, fourth]);
		await votes.cast(as(cara), cara, current.id, [other]);

		expect(await obstacles.merge(as(ana), duplicate, kept)).toBe(false);
		expect(await obstacles.merge(facilitator, duplicate, duplicate)).toBe(false);
		expect(await obstacles.merge(facilitator, duplicate, randomUUID())).toBe(false);
		await obstacles.setHidden(facilitator, id, kept, true);
		await expect(obstacles.merge(facilitator, duplicate, kept)).rejects.toThrow(obstacles.MergeRefusedError);
		await obstacles.setHidden(facilitator, id, kept, false);
		expect(await obstacles.merge(facilitator, duplicate, kept)).toBe(true);

		const board = await growState(db, id, 'facilitator');
		expect(board.obstacles.map((o) => o.id)).toEqual([kept, other, fourth]);
		expect(board.obstacles[0]!.fixes).toEqual(['One shared case history', 'Warm transfers only']);
		expect(board.actions).toMatchObject([{ title: 'Pilot a shared history', obstacleId: kept }]);
		// Stacked dots move as they are; where they may not stack, a ballot that had both keeps one.
		expect(await ballotsOf(closed.id)).toEqual({ Ana: [kept, kept, kept], Ben: [kept, other] });
		expect(await ballotsOf(current.id)).toEqual({ Ana: [kept], Ben: [kept, fourth], Cara: [other] });
		expect(board.vote?.result?.totals).toEqual([
			{ option: kept, votes: 2 },
			{ option: other, votes: 1 },
			{ option: fourth, votes: 1 }
		]);
		// Phones change their ballots as before (a merged-away obstacle is no longer on the paper).
		await votes.cast(as(ben), ben, current.id, [other, fourth]);
		await expect(votes.cast(as(cara), cara, current.id, [duplicate])).rejects.toThrow('not on this vote');

		// The revealed vote is as it was revealed, everywhere, and so is the charter's ranking.
		expect(frozen.labels![duplicate]).toBe('Nobody knows what was said before');
		expect(await ballotsOf(revealed.id)).toEqual({ Ana: [duplicate, duplicate, kept] });
		expect((await votes.get(db, revealed.id))?.result).toEqual(frozen);
		expect(frozenViews.map((view) => view.result)).toEqual([frozen, frozen, frozen]);
		expect(await shown(id, 'obstacles')).not.toEqual(frozenViews); // the open vote is the latest now
		const read = (await charter(leader, joinCode))!;
		expect(read.obstacles.map((o) => [o.text, o.dots])).toEqual([
			['Nobody knows what was said before', 2],
			['Hand-offs lose the history', 1],
			['No refunds without a manager', 0],
			['Scripts, not conversations', 0]
		]);
	});

	it('a dot-vote tie for the top: the facilitator picks which goes first, and the charter follows', async () => {
		const { id, joinCode, people } = await room('grow', ['Ana', 'Ben']);
		const [ana, ben] = people as [participants.Participant, participants.Participant];
		const first = await obstacle(id, 'Hand-offs lose the history');
		const second = await obstacle(id, 'No refunds without a manager');
		const vote = (await votes.open(facilitator, id, { subject: 'obstacles', method: 'dot', dots: 2 }))!;
		await votes.cast(as(ana), ana, vote.id, [first]);
		await votes.cast(as(ben), ben, vote.id, [second]);
		const result = (await votes.reveal(facilitator, vote.id))!;
		expect(result.winners).toEqual([first, second]);
		expect((await growState(db, id, 'facilitator')).vote?.winnerId).toBeNull();
		expect(await votes.breakTie(as(ana), vote.id, second)).toBe(false);
		expect(await votes.breakTie(facilitator, vote.id, second)).toBe(true);
		expect(await votes.breakTie(facilitator, vote.id, first)).toBe(false);
		const settled = await shown(id, 'obstacles');
		for (const view of settled) expect(view).toMatchObject({ winnerId: second, result });
		const read = (await charter(leader, joinCode))!;
		expect(read.obstacles.map((o) => o.id)).toEqual([second, first]);
	});

	it('a dot-vote tie for the top settled by a runoff among the tied: its winner goes first', async () => {
		const { id, joinCode, people } = await room('grow', ['Ana', 'Ben', 'Cara']);
		const [ana, ben, cara] = people as [
			participants.Participant,
			participants.Participant,
			participants.Participant
		];
		const first = await obstacle(id, 'Hand-offs lose the history');
		const second = await obstacle(id, 'No refunds without a manager');
		const third = await obstacle(id, 'Scripts, not conversations');
		const vote = (await votes.open(facilitator, id, { subject: 'obstacles', method: 'dot', dots: 2 }))!;
		await votes.cast(as(ana), ana, vote.id, [first, second]);
		await votes.cast(as(ben), ben, vote.id, [second, first]);
		await votes.reveal(facilitator, vote.id);
		const runoff = (await votes.runoff(facilitator, vote.id))!;
		expect(runoff).toMatchObject({ method: 'single', options: [first, second], runoffOf: vote.id });
		for (const me of [ana, ben, cara]) await votes.cast(as(me), me, runoff.id, [me === ana ? first : second]);
		expect((await votes.reveal(facilitator, runoff.id))?.winners).toEqual([second]);
		expect((await votes.get(db, vote.id))?.winnerId).toBe(second);
		expect((await votes.get(db, runoff.id))?.winnerId).toBe(second);
		// The charter ranks by the dot vote, the runoff's winner first among the tied.
		const read = (await charter(leader, joinCode))!;
		expect(read.obstacles.map((o) => [o.id, o.dots])).toEqual([
			[second, 2],
			[first, 2],
			[third, 0]
		]);
	});
});
