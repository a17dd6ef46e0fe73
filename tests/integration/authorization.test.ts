// The authorisation matrix, proven on every engine: row-level security decides, as the request's
// identity, exactly as Supabase's API would run it.
import * as organisations from '$lib/server/organisations';
import * as workshops from '$lib/server/workshops';
import type { Database } from '$lib/server/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import {
	REFUSED,
	asAnon,
	asMember,
	asParticipant,
	member,
	organisation,
	participant,
	story,
	workshop
} from '../setup/fixtures';

describe.each(engines)('authorisation on %s', (engine) => {
	let db: Database;
	const a = {} as {
		org: string;
		owner: string;
		facilitator: string;
		otherFacilitator: string;
		leader: string;
	};
	const b = {} as { org: string; owner: string };
	let workshopA: { id: string; joinCode: string };
	let workshopB: { id: string; joinCode: string };
	let phoneA: string;
	let phoneB: string;

	beforeAll(async () => {
		db = await freshDatabase(engine);
		a.org = await organisation(db, 'Org A');
		a.owner = await member(db, a.org, 'owner');
		a.facilitator = await member(db, a.org, 'facilitator');
		a.otherFacilitator = await member(db, a.org, 'facilitator');
		a.leader = await member(db, a.org, 'leader');
		b.org = await organisation(db, 'Org B');
		b.owner = await member(db, b.org, 'owner');
		workshopA = await workshop(db, a.org, a.facilitator, { stage: 'explore' });
		workshopB = await workshop(db, b.org, b.owner, { stage: 'explore' });
		phoneA = (await participant(db, workshopA.joinCode, 'Ana')).id;
		phoneB = (await participant(db, workshopB.joinCode, 'Bo')).id;
	});
	afterAll(() => db.close());

	describe('organisations', () => {
		it('a member of org A cannot read org B, its members or its workshops', async () => {
			const me = asMember(db, a.owner);
			expect(await me.query(`select id from organisations where id = $1`, [b.org])).toEqual([]);
			expect(await organisations.members(me, b.org)).toEqual([]);
			expect(await workshops.list(me, b.org)).toEqual([]);
			expect(await me.query(`select id from users where id = $1`, [b.owner])).toEqual([]);
			expect((await workshops.list(me, a.org)).map((w) => w.id)).toEqual([workshopA.id]);
		});

		it("org A's library never shows org B's stories", async () => {
			const storyB = await story(db, workshopB.id, { consent: 'library_named' });
			await db.query(`update stories set library_at = now() where id = $1`, [storyB]);
			expect(await asMember(db, a.leader).query(`select id from stories where id = $1`, [storyB])).toEqual(
				[]
			);
			expect(
				await asMember(db, b.owner).query(`select id from stories where id = $1`, [storyB])
			).toHaveLength(1);
		});

		it('only owners invite, change roles and remove members', async () => {
			const leader = asMember(db, a.leader);
			await expect(organisations.createInvite(leader, a.leader, a.org, 'owner')).rejects.toThrow(
				'Only owners'
			);
			await expect(organisations.changeRole(leader, a.org, a.leader, 'owner')).rejects.toThrow('Only owners');
			await expect(organisations.removeMember(leader, a.org, a.facilitator)).rejects.toThrow('Only owners');
			const token = await organisations.createInvite(asMember(db, a.owner), a.owner, a.org, 'leader');
			expect(await organisations.previewInvite(db, token)).toEqual({ orgName: 'Org A', role: 'leader' });
			// An owner of another organisation cannot invite into this one.
			await expect(
				organisations.createInvite(asMember(db, b.owner), b.owner, a.org, 'owner')
			).rejects.toThrow();
		});

		it('an invite adds its acceptor once, with its role', async () => {
			const token = await organisations.createInvite(asMember(db, a.owner), a.owner, a.org, 'facilitator');
			const newcomer = await member(db, b.org, 'leader');
			expect(await organisations.acceptInvite(asMember(db, newcomer), token)).toBe(a.org);
			expect(await organisations.acceptInvite(asMember(db, b.owner), token)).toBeNull();
			const roles = await organisations.members(asMember(db, newcomer), a.org);
			expect(roles.find((m) => m.userId === newcomer)?.role).toBe('facilitator');
			expect(await organisations.previewInvite(db, token)).toBeNull();
		});

		it('an organisation always keeps an owner', async () => {
			const org = await organisation(db, 'Solo');
			const owner = await member(db, org, 'owner');
			await expect(organisations.changeRole(asMember(db, owner), org, owner, 'leader')).rejects.toMatchObject(
				{
					code: '23514'
				}
			);
			await expect(organisations.removeMember(asMember(db, owner), org, owner)).rejects.toMatchObject({
				code: '23514'
			});
			const second = await member(db, org, 'facilitator');
			await organisations.changeRole(asMember(db, owner), org, second, 'owner');
			await organisations.changeRole(asMember(db, owner), org, owner, 'leader');
			expect((await organisations.members(asMember(db, second), org)).map((m) => m.role).sort()).toEqual([
				'leader',
				'owner'
			]);
		});
	});

	describe('driving a workshop', () => {
		it("only the workshop's facilitators and the organisation's owners drive it", async () => {
			const versionOf = async () =>
				(
					await db.query<{ version: number }>(`select version from workshops where id = $1`, [workshopA.id])
				)[0]!.version;
			const before = await versionOf();
			expect(await workshops.setStage(asMember(db, a.leader), workshopA.id, 'dream')).toBe(false);
			expect(await workshops.setStage(asMember(db, a.otherFacilitator), workshopA.id, 'dream')).toBe(false);
			expect(await workshops.setStage(asMember(db, b.owner), workshopA.id, 'dream')).toBe(false);
			expect(await workshops.setStage(asParticipant(db, phoneA), workshopA.id, 'dream')).toBe(false);
			expect(await workshops.setStage(asMember(db, a.facilitator), workshopA.id, 'grow')).toBe(true);
			expect(await workshops.setStage(asMember(db, a.owner), workshopA.id, 'explore')).toBe(true);
			const [row] = await db.query<{ stage: string }>(`select stage from workshops where id = $1`, [
				workshopA.id
			]);
			expect(row).toEqual({ stage: 'explore' });
			// Two changes went through, and each bumped the version once; the refusals bumped nothing.
			expect(await versionOf()).toBe(before + 2);
		});

		it('leaders cannot create workshops; facilitators can, and then drive them', async () => {
			await expect(
				workshops.create(asMember(db, a.leader), a.leader, a.org, { title: 'Nope', teamName: null })
			).rejects.toMatchObject(REFUSED);
			await expect(
				workshops.create(asMember(db, a.facilitator), a.facilitator, b.org, { title: 'Nope', teamName: null })
			).rejects.toMatchObject(REFUSED);
			const created = await workshops.create(asMember(db, a.otherFacilitator), a.otherFacilitator, a.org, {
				title: 'Mine',
				teamName: 'Support'
			});
			expect(created.joinCode).toMatch(/^[A-Z2-9]{6}$/);
			expect(await workshops.setStage(asMember(db, a.otherFacilitator), created.id, 'explore')).toBe(true);
		});

		it('a facilitator cannot hand a workshop to someone outside the organisation', async () => {
			await expect(
				asMember(db, a.facilitator).query(
					`insert into workshop_facilitators (workshop_id, user_id) values ($1, $2)`,
					[workshopA.id, b.owner]
				)
			).rejects.toMatchObject(REFUSED);
			await asMember(db, a.facilitator).query(
				`insert into workshop_facilitators (workshop_id, user_id) values ($1, $2)`,
				[workshopA.id, a.otherFacilitator]
			);
			expect(await workshops.setStage(asMember(db, a.otherFacilitator), workshopA.id, 'explore')).toBe(true);
		});
	});

	describe('participants', () => {
		it('see their own workshop and nothing of another', async () => {
			const phone = asParticipant(db, phoneA);
			expect(await phone.query(`select id from workshops`)).toEqual([{ id: workshopA.id }]);
			expect(await phone.query(`select id from workshops where id = $1`, [workshopB.id])).toEqual([]);
			expect(await phone.query(`select id from organisations`)).toEqual([]);
			expect(await phone.query(`select id from participants`)).toEqual([{ id: phoneA }]);
			await asParticipant(db, phoneB).query(
				`insert into moods (workshop_id, participant_id, score, line) values ($1, $2, 4, 'fine')`,
				[workshopB.id, phoneB]
			);
			expect(await phone.query(`select id from moods where workshop_id = $1`, [workshopB.id])).toEqual([]);
		});

		it('cannot post into another workshop or as someone else', async () => {
			const phone = asParticipant(db, phoneA);
			await expect(
				phone.query(`insert into moods (workshop_id, participant_id, score) values ($1, $2, 3)`, [
					workshopB.id,
					phoneA
				])
			).rejects.toMatchObject(REFUSED);
			await expect(
				phone.query(`insert into moods (workshop_id, participant_id, score) values ($1, $2, 3)`, [
					workshopA.id,
					phoneB
				])
			).rejects.toMatchObject(REFUSED);
		});

		it('post only while the stage is open and unlocked', async () => {
			const locked = await workshop(db, a.org, a.facilitator, { stage: 'explore', locked: true });
			const lobby = await workshop(db, a.org, a.facilitator, { stage: 'lobby' });
			for (const target of [locked, lobby]) {
				const phone = (await participant(db, target.joinCode)).id;
				await expect(
					asParticipant(db, phone).query(
						`insert into moods (workshop_id, participant_id, score) values ($1, $2, 5)`,
						[target.id, phone]
					)
				).rejects.toMatchObject(REFUSED);
			}
			await asParticipant(db, phoneA).query(
				`insert into moods (workshop_id, participant_id, score, line) values ($1, $2, 5, 'great')`,
				[workshopA.id, phoneA]
			);
			const moods = await asMember(db, a.leader).query<{ score: number }>(
				`select score from moods where workshop_id = $1`,
				[workshopA.id]
			);
			expect(moods).toEqual([{ score: 5 }]);
		});

		it('keep anonymous authorship to themselves, and cannot moderate', async () => {
			const dream = await workshop(db, a.org, a.facilitator, { stage: 'dream' });
			const author = (await participant(db, dream.joinCode, 'Secret')).id;
			const other = (await participant(db, dream.joinCode)).id;
			const storyId = await story(asParticipant(db, author), dream.id);
			const link = `select participant_id from story_authors where story_id = $1`;
			expect(await asParticipant(db, author).query(link, [storyId])).toEqual([{ participant_id: author }]);
			expect(await asMember(db, a.facilitator).query(link, [storyId])).toEqual([]);
			expect(await asMember(db, a.owner).query(link, [storyId])).toEqual([]);
			expect(await asParticipant(db, other).query(link, [storyId])).toEqual([]);
			// The facilitator sees the story itself (to moderate it), just not who wrote it.
			expect(
				await asMember(db, a.facilitator).query(`select id from stories where id = $1`, [storyId])
			).toHaveLength(1);
			await expect(
				asParticipant(db, author).query(`update stories set hidden = true where id = $1`, [storyId])
			).rejects.toMatchObject(REFUSED);
			const edited = await asParticipant(db, other).query(
				`update stories set title = 'Mine now' where id = $1 returning id`,
				[storyId]
			);
			expect(edited).toEqual([]);
			await asMember(db, a.facilitator).query(`update stories set hidden = true where id = $1`, [storyId]);
			expect(await asParticipant(db, other).query(`select id from stories where id = $1`, [storyId])).toEqual(
				[]
			);
			expect(
				await asParticipant(db, author).query(`select id from stories where id = $1`, [storyId])
			).toHaveLength(1);
		});
	});

	describe('secrets and anonymous requests', () => {
		it.each(['credentials', 'sessions', 'participant_secrets', 'sign_in_throttles', 'password_resets'])(
			'%s is unreadable to every request identity',
			async (table) => {
				for (const who of [asMember(db, a.owner), asParticipant(db, phoneA), asAnon(db)]) {
					await expect(who.query(`select * from ${table}`)).rejects.toMatchObject(REFUSED);
				}
			}
		);

		it('an anonymous request reads no table at all', async () => {
			await expect(asAnon(db).query(`select id from workshops`)).rejects.toMatchObject(REFUSED);
			await expect(asAnon(db).query(`select id from stories`)).rejects.toMatchObject(REFUSED);
		});

		it('the owner connection is never what a request runs as', async () => {
			const [row] = await asMember(db, a.owner).query<{ role: string; uid: string }>(
				`select current_user as role, auth.uid() as uid`
			);
			expect(row).toEqual({ role: 'authenticated', uid: a.owner });
		});
	});
});
