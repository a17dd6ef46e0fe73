// An organisation's data export: an owner gets everything of the organisation they may read, nothing
// of another organisation and no secret; nobody else gets it.
import type { Database } from '$lib/server/db';
import { NotAllowedError } from '$lib/server/organisations';
import { exportOrganisation } from '$lib/server/orgExport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import {
	asMember,
	asParticipant,
	member,
	organisation,
	participant,
	story,
	workshop
} from '../setup/fixtures';

describe.each(engines)('exporting an organisation on %s', (engine) => {
	let db: Database;
	beforeAll(async () => {
		db = await freshDatabase(engine);
	});
	afterAll(() => db.close());

	async function orgWithAStory(name: string, title: string) {
		const org = await organisation(db, name);
		const owner = await member(db, org, 'owner');
		const facilitator = await member(db, org, 'facilitator');
		const room = await workshop(db, org, facilitator, { stage: 'dream' });
		const ana = await participant(db, room.joinCode, 'Ana');
		await story(asParticipant(db, ana.id), room.id, { title });
		return { org, owner, facilitator, room, ana };
	}

	it('gives an owner the organisation, its members and its workshops with what happened in them', async () => {
		const ours = await orgWithAStory('Ours', 'Our story');
		const theirs = await orgWithAStory('Theirs', 'Their story');
		const screenSecret = 'f'.repeat(64);
		await db.query(`update workshops set screen_token_hash = $2 where id = $1`, [ours.room.id, screenSecret]);
		const linkSecret = 'e'.repeat(64);
		await db.query(
			`insert into personal_visions (workshop_id, participant_id, vision, consent, link_hash) values ($1, $2, 'Heard', 'room', $3)`,
			[ours.room.id, ours.ana.id, linkSecret]
		);

		const data = await exportOrganisation(asMember(db, ours.owner), ours.org);
		expect(data.format).toBe('cx-workshop-organisation');
		expect(data.organisation).toMatchObject({ id: ours.org, name: 'Ours' });
		expect(data.members.map((m) => m.role).sort()).toEqual(['facilitator', 'owner']);
		expect(data.workshops.map((w) => w.id)).toEqual([ours.room.id]);
		expect(data.rooms.stories!.map((s) => s.title)).toEqual(['Our story']);
		expect(data.rooms.participants!.map((p) => p.display_name)).toEqual(['Ana']);
		expect(data.rooms.personal_visions!.map((v) => v.vision)).toEqual(['Heard']);

		const text = JSON.stringify(data);
		for (const absent of ['Their story', theirs.room.id, screenSecret, linkSecret, ours.ana.token]) {
			expect(text).not.toContain(absent);
		}
		expect(Object.keys(data.rooms)).not.toContain('participant_secrets');
	});

	it('refuses a facilitator, a leader and the owner of another organisation', async () => {
		const ours = await orgWithAStory('Ours', 'Our story');
		const elsewhere = await organisation(db, 'Elsewhere');
		for (const who of [
			ours.facilitator,
			await member(db, ours.org, 'leader'),
			await member(db, elsewhere, 'owner')
		]) {
			await expect(exportOrganisation(asMember(db, who), ours.org)).rejects.toBeInstanceOf(NotAllowedError);
		}
	});
});
