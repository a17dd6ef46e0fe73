// Open live streams do not outlive the access they were opened with: the database announces that
// access ended, every instance's hub asks its streams again, and those refused are told why.
import type { Database } from '$lib/server/db';
import * as organisations from '$lib/server/organisations';
import { ACCESS_ENDED, LiveHub } from '$lib/server/realtime';
import * as workshops from '$lib/server/workshops';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import { asMember, member, organisation, participant, workshop } from '../setup/fixtures';
import { recorder } from '../setup/streams';

describe.each(engines)('live access ends on %s', (engine) => {
	let db: Database;
	let hub: LiveHub;
	let org: string;
	let owner: string;
	let target: { id: string; joinCode: string };

	beforeAll(async () => {
		db = await freshDatabase(engine);
		hub = new LiveHub(db);
		org = await organisation(db, 'Org');
		owner = await member(db, org, 'owner');
		target = await workshop(db, org, owner, { stage: 'explore' });
	});
	afterAll(async () => {
		await hub.close();
		await db.close();
	});

	/** A facilitator's stream, allowed while they still drive the workshop. */
	function facilitatorStream(userId: string) {
		return recorder('facilitator', null, async () =>
			Boolean(await workshops.forDriver(asMember(db, userId), target.joinCode))
		);
	}

	const ended = (stream: ReturnType<typeof recorder>) => stream.events.find((e) => e.event === 'ended');

	it('turning off the screen link ends the screen it opened, with the reason; phones are not asked', async () => {
		const token = (await workshops.createScreenLink(asMember(db, owner), target.id))!;
		const screen = recorder('screen', null, async () =>
			Boolean(await workshops.forScreenLink(db, target.joinCode, token))
		);
		const me = await participant(db, target.joinCode, 'Ana');
		const phoneAsked = vi.fn(async () => true);
		const phone = recorder('participant', me.id, phoneAsked);
		await hub.subscribe(target.id, screen.subscriber);
		await hub.subscribe(target.id, phone.subscriber);

		await workshops.revokeScreenLink(asMember(db, owner), target.id);
		await vi.waitFor(() => expect(screen.state.closed).toBe(true));
		expect(ended(screen)?.data).toEqual({ reason: ACCESS_ENDED.screen });
		expect(phone.state.closed).toBe(false);
		expect(phoneAsked).not.toHaveBeenCalled();
	});

	it('a facilitator removed from the organisation loses the panel stream and the workshop', async () => {
		const colleague = await member(db, org, 'facilitator');
		await db.query(`insert into workshop_facilitators (workshop_id, user_id) values ($1, $2)`, [
			target.id,
			colleague
		]);
		const panel = facilitatorStream(colleague);
		const ownersPanel = facilitatorStream(owner);
		await hub.subscribe(target.id, panel.subscriber);
		await hub.subscribe(target.id, ownersPanel.subscriber);

		await organisations.removeMember(asMember(db, owner), org, colleague);
		await vi.waitFor(() => expect(panel.state.closed).toBe(true));
		expect(ended(panel)?.data).toEqual({ reason: ACCESS_ENDED.facilitator });
		expect(ownersPanel.state.closed).toBe(false);
		// Nothing is left behind that would let them drive it again.
		const [left] = await db.query<{ n: number }>(
			`select count(*)::int as n from workshop_facilitators where user_id = $1`,
			[colleague]
		);
		expect(left!.n).toBe(0);
		expect(await workshops.end(asMember(db, colleague), target.id)).toBe(false);
	});

	it('a facilitator made a leader stops facilitating at once', async () => {
		const colleague = await member(db, org, 'facilitator');
		await db.query(`insert into workshop_facilitators (workshop_id, user_id) values ($1, $2)`, [
			target.id,
			colleague
		]);
		const panel = facilitatorStream(colleague);
		await hub.subscribe(target.id, panel.subscriber);
		await organisations.changeRole(asMember(db, owner), org, colleague, 'leader');
		await vi.waitFor(() => expect(panel.state.closed).toBe(true));
		expect(await workshops.forDriver(asMember(db, colleague), target.joinCode)).toBeNull();
	});

	it('a participant removed from the workshop is told, and only their stream ends', async () => {
		const leaving = await participant(db, target.joinCode, 'Bo');
		const staying = await participant(db, target.joinCode, 'Cy');
		const stillThere = async (id: string) =>
			(await db.query(`select 1 from participants where id = $1`, [id])).length === 1;
		const gone = recorder('participant', leaving.id, () => stillThere(leaving.id));
		const kept = recorder('participant', staying.id, () => stillThere(staying.id));
		await hub.subscribe(target.id, gone.subscriber);
		await hub.subscribe(target.id, kept.subscriber);
		await db.query(`delete from participants where id = $1`, [leaving.id]);
		await vi.waitFor(() => expect(gone.state.closed).toBe(true));
		expect(ended(gone)?.data).toEqual({ reason: ACCESS_ENDED.participant });
		expect(kept.state.closed).toBe(false);
	});
});
