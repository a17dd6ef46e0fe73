import * as accounts from '$lib/server/accounts';
import { DEMO_EMAIL, DEMO_JOIN_CODE, DEMO_LEADER_EMAIL, seedDemo } from '$lib/server/demo';
import * as workshops from '$lib/server/workshops';
import type { Database } from '$lib/server/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import { asMember } from '../setup/fixtures';

describe.each(engines)('demo data on %s', (engine) => {
	let db: Database;
	let orgId: string;
	const password = 'demo password 123';
	beforeAll(async () => {
		db = await freshDatabase(engine);
		orgId = (await seedDemo(db, password))!.orgId;
	});
	afterAll(() => db.close());

	it('is seeded once', async () => {
		expect(await seedDemo(db, 'another password')).toBeNull();
		expect(await db.query(`select id from organisations`)).toHaveLength(1);
	});

	it('signs in the demo facilitator and leader with the given password', async () => {
		const { userId } = await accounts.signIn(db, { email: DEMO_EMAIL, password, address: '127.0.0.1' });
		const me = await accounts.member(db, userId);
		expect(me?.memberships).toEqual([
			{ orgId, orgName: 'Harbour Telecom (demo)', locale: 'en-GB', role: 'owner' }
		]);
		await expect(
			accounts.signIn(db, { email: DEMO_LEADER_EMAIL, password, address: '127.0.0.1' })
		).resolves.toBeTruthy();
	});

	it('has a workshop ready to run as DEMO42 and a finished one', async () => {
		const [leader] = await db.query<{ id: string }>(`select id from users where email = $1`, [
			DEMO_LEADER_EMAIL
		]);
		const list = await workshops.list(asMember(db, leader!.id), orgId);
		expect(list.map((w) => [w.joinCode, w.status, w.stage])).toEqual([
			[DEMO_JOIN_CODE, 'draft', 'lobby'],
			['KCK7QP', 'ended', 'wrapup']
		]);
	});

	it("puts consenting stories in the library, with the workshop's vision and rallying cry", async () => {
		const [leader] = await db.query<{ id: string }>(`select id from users where email = $1`, [
			DEMO_LEADER_EMAIL
		]);
		const library = await asMember(db, leader!.id).query<{
			kind: string;
			author_name: string | null;
			consent: string;
		}>(`select kind, author_name, consent from stories where library_at is not null order by created_at`);
		expect(library).toHaveLength(5);
		expect(library.filter((s) => s.kind === 'bad')).toHaveLength(2);
		expect(
			library.filter((s) => s.consent === 'library_anonymous').every((s) => s.author_name === null)
		).toBe(true);
		const [outcome] = await asMember(db, leader!.id).query<{ cry: string; vision: string }>(
			`select c.text as cry,
			        (select body from vision_versions v where v.workshop_id = w.id order by version desc limit 1) as vision
			 from workshops w join rallying_cries c on c.id = w.rallying_cry_id where w.join_code = 'KCK7QP'`
		);
		expect(outcome?.cry).toBe("Let's Go!");
		expect(outcome?.vision).toMatch(/heard, helped and respected/);
	});
});
