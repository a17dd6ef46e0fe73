// Holes a direct database session could reach (or Supabase's Data API, with a member's or a phone's
// own token): each is tried here with a forged session — the `authenticated` role and the claims
// the API would set — and the database itself refuses.
import type { Database, Handle } from '$lib/server/db';
import * as votes from '$lib/server/votes';
import * as workshops from '$lib/server/workshops';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import {
	REFUSED,
	asMember,
	asParticipant,
	member,
	organisation,
	participant,
	story,
	workshop
} from '../setup/fixtures';

describe.each(engines)('closed authorisation gaps on %s', (engine) => {
	let db: Database;
	let orgA: string;
	let orgB: string;
	let ownerA: string;
	let facilitator: string;
	let ownerB: string;
	let workshopA: { id: string; joinCode: string };
	let workshopB: { id: string; joinCode: string };
	let phoneA: string;
	let phoneB: string;

	async function openCryVote(workshopId: string, driver: string): Promise<{ voteId: string; cry: string }> {
		const [cry] = await db.query<{ id: string }>(
			`insert into rallying_cries (workshop_id, text) values ($1, 'Let''s go!') returning id`,
			[workshopId]
		);
		const vote = await votes.open(asMember(db, driver), workshopId, {
			subject: 'rallying_cry',
			method: 'single'
		});
		return { voteId: vote!.id, cry: cry!.id };
	}

	const rows = async (handle: Handle, sql: string, params: unknown[] = []) =>
		(await handle.query(sql, params)).length;

	beforeAll(async () => {
		db = await freshDatabase(engine);
		orgA = await organisation(db, 'Org A');
		orgB = await organisation(db, 'Org B');
		ownerA = await member(db, orgA, 'owner');
		facilitator = await member(db, orgA, 'facilitator');
		ownerB = await member(db, orgB, 'owner');
		// The facilitator also belongs to org B: the case where moving a workshop between them mattered.
		await db.query(`insert into memberships (org_id, user_id, role) values ($1, $2, 'facilitator')`, [
			orgB,
			facilitator
		]);
		workshopA = await workshop(db, orgA, facilitator, { stage: 'excite' });
		workshopB = await workshop(db, orgB, ownerB, { stage: 'excite' });
		phoneA = (await participant(db, workshopA.joinCode, 'Ana')).id;
		phoneB = (await participant(db, workshopB.joinCode, 'Bo')).id;
	});
	afterAll(() => db.close());

	it("a participant cannot cast (or move) a ballot into another workshop's open vote", async () => {
		const b = await openCryVote(workshopB.id, ownerB);
		const insert = `insert into ballots (vote_id, workshop_id, participant_id, choices) values ($1, $2, $3, $4)`;
		await expect(
			asParticipant(db, phoneA).query(insert, [b.voteId, workshopB.id, phoneA, JSON.stringify([b.cry])])
		).rejects.toMatchObject(REFUSED);

		const a = await openCryVote(workshopA.id, facilitator);
		await asParticipant(db, phoneA).query(insert, [a.voteId, workshopA.id, phoneA, JSON.stringify([a.cry])]);
		await expect(
			asParticipant(db, phoneA).query(
				`update ballots set vote_id = $1, choices = $2 where participant_id = $3`,
				[b.voteId, JSON.stringify([b.cry]), phoneA]
			)
		).rejects.toMatchObject(REFUSED);
		const counted = await votes.count(db, (await votes.latest(db, workshopB.id, 'rallying_cry'))!);
		expect(counted.ballots).toBe(0);
	});

	it('ballots are secret from the facilitator, who still counts them through app.vote_ballots', async () => {
		const vote = (await votes.latest(db, workshopB.id, 'rallying_cry'))!;
		const [cry] = await db.query<{ id: string }>(`select id from rallying_cries where workshop_id = $1`, [
			workshopB.id
		]);
		await asParticipant(db, phoneB).query(
			`insert into ballots (vote_id, workshop_id, participant_id, choices) values ($1, $2, $3, $4)`,
			[vote.id, workshopB.id, phoneB, JSON.stringify([cry!.id])]
		);
		const owner = asMember(db, ownerB);
		expect(
			await rows(owner, `select participant_id from ballots where workshop_id = $1`, [workshopB.id])
		).toBe(0);
		expect(
			await rows(owner, `select participant_id from vision_checks where workshop_id = $1`, [workshopB.id])
		).toBe(0);
		expect((await votes.count(owner, vote)).ballots).toBe(1);
		// Another organisation's owner, and the phone itself, count nothing through the function.
		expect(await rows(asMember(db, ownerA), `select * from app.vote_ballots($1)`, [vote.id])).toBe(0);
		expect(await rows(asParticipant(db, phoneB), `select * from app.vote_ballots($1)`, [vote.id])).toBe(0);
		expect(
			await rows(asParticipant(db, phoneB), `select 1 from ballots where participant_id = $1`, [phoneB])
		).toBe(1);
	});

	it('a facilitator cannot move a workshop to another of their organisations, or change its code', async () => {
		const me = asMember(db, facilitator);
		await expect(
			me.query(`update workshops set org_id = $2 where id = $1`, [workshopA.id, orgB])
		).rejects.toMatchObject(REFUSED);
		await expect(
			me.query(`update workshops set join_code = 'ZZZZZZ' where id = $1`, [workshopA.id])
		).rejects.toMatchObject(REFUSED);
		expect(await workshops.setStage(me, workshopA.id, 'excite')).toBe(true); // driving still works
	});

	it('an ended workshop cannot be reopened by hand', async () => {
		const done = await workshop(db, orgA, facilitator, { status: 'ended' });
		await expect(
			asMember(db, facilitator).query(`update workshops set status = 'live' where id = $1`, [done.id])
		).rejects.toThrow('An ended workshop stays ended');
	});

	it('fixes are withdrawn only while Grow is open', async () => {
		const grow = await workshop(db, orgA, facilitator, { stage: 'grow' });
		const phone = (await participant(db, grow.joinCode, 'Cy')).id;
		const [obstacle] = await db.query<{ id: string }>(
			`insert into obstacles (workshop_id, text) values ($1, 'Slow approvals') returning id`,
			[grow.id]
		);
		await asParticipant(db, phone).query(
			`insert into fixes (obstacle_id, workshop_id, participant_id, text) values ($1, $2, $3, 'Pre-approve')`,
			[obstacle!.id, grow.id, phone]
		);
		await workshops.setStage(asMember(db, facilitator), grow.id, 'excite');
		expect(
			await rows(asParticipant(db, phone), `delete from fixes where participant_id = $1 returning id`, [
				phone
			])
		).toBe(0);
		await workshops.setStage(asMember(db, facilitator), grow.id, 'grow');
		expect(
			await rows(asParticipant(db, phone), `delete from fixes where participant_id = $1 returning id`, [
				phone
			])
		).toBe(1);
	});

	it('an owner renames the organisation but cannot make it the demo (which would reopen /setup)', async () => {
		const owner = asMember(db, ownerA);
		expect(
			await rows(owner, `update organisations set name = 'Org A2' where id = $1 returning id`, [orgA])
		).toBe(1);
		await expect(
			owner.query(`update organisations set is_demo = true where id = $1`, [orgA])
		).rejects.toMatchObject(REFUSED);
	});

	it('a story cannot be posted already in the library, featured or with reactions', async () => {
		const dream = await workshop(db, orgA, facilitator, { stage: 'dream' });
		const phone = asParticipant(db, (await participant(db, dream.joinCode, 'Di')).id);
		for (const field of ['library_at = now()', 'featured_at = now()', 'reaction_count = 7']) {
			const [column, value] = field.split(' = ');
			await expect(
				phone.query(
					`insert into stories (workshop_id, kind, perspective, title, body, consent, idempotency_key, ${column})
					 values ($1, 'good', 'customer', 'T', 'B', 'library_anonymous', gen_random_uuid(), ${value})`,
					[dream.id]
				),
				field
			).rejects.toThrow('These story fields are set by the library');
		}
		expect(await rows(phone, `select 1 from stories where workshop_id = $1`, [dream.id])).toBe(0);
	});

	it('moderation wins over consent: a hidden story never reaches the library', async () => {
		const dream = await workshop(db, orgA, facilitator, { stage: 'dream' });
		const hidden = await story(db, dream.id, { consent: 'library_named' });
		const shown = await story(db, dream.id, { consent: 'library_named' });
		await asMember(db, facilitator).query(`update stories set hidden = true where id = $1`, [hidden]);
		expect(await workshops.end(asMember(db, facilitator), dream.id)).toBe(true);
		const leader = asMember(db, await member(db, orgA, 'leader'));
		const library = await leader.query<{ id: string }>(`select id from stories where workshop_id = $1`, [
			dream.id
		]);
		expect(library.map((row) => row.id)).toEqual([shown]);
		// Hiding one already in the library takes it out.
		await asMember(db, facilitator).query(`update stories set hidden = true where id = $1`, [shown]);
		expect(await rows(leader, `select id from stories where workshop_id = $1`, [dream.id])).toBe(0);
	});

	it("nothing in public, the schema Supabase's Data API exposes, is readable or callable by a request", async () => {
		const relations = await db.query<{ name: string }>(
			`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
			 where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
			   and (has_table_privilege('anon', c.oid, 'select') or has_table_privilege('authenticated', c.oid, 'select'))`
		);
		expect(relations).toEqual([]);
		const functions = await db.query<{ name: string }>(
			`select p.proname as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace
			 where n.nspname = 'public'
			   and (has_function_privilege('anon', p.oid, 'execute') or has_function_privilege('authenticated', p.oid, 'execute'))`
		);
		expect(functions).toEqual([]);
		// A forged session of an owner finds no table there at all.
		const owner = asMember(db, ownerA);
		expect(await rows(owner, `select 1 from information_schema.tables where table_schema = 'public'`)).toBe(
			0
		);
		await expect(owner.query(`select * from public.workshops`)).rejects.toThrow('does not exist');
	});

	it('no function is callable by PUBLIC, anon calls only what joining needs, and every function has a search_path', async () => {
		const functions = await db.query<{ name: string; public: boolean; anon: boolean; path: boolean }>(
			`select p.oid::regprocedure::text as name,
			        has_function_privilege('public', p.oid, 'execute') as public,
			        has_function_privilege('anon', p.oid, 'execute') as anon,
			        exists (select 1 from unnest(p.proconfig) c where c like 'search_path=%') as path
			 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
			 where n.nspname = 'app' order by 1`
		);
		expect(functions.length).toBeGreaterThan(40);
		expect(functions.filter((f) => f.public).map((f) => f.name)).toEqual([]);
		expect(functions.filter((f) => f.anon).map((f) => f.name)).toEqual([
			'app.join_workshop(text,text,text)',
			'app.workshop_preview(text)'
		]);
		expect(functions.filter((f) => !f.path).map((f) => f.name)).toEqual([]);
	});
});
