// Each audience's live view is decided by the database: the room's phones, the screen and the
// facilitator's panel read their snapshots under identities of their own, and the policies alone
// decide what each holds — posts before a reveal, hidden rows, mood lines, phrases, a vote's count
// before its reveal, the reasons given in a closing check.
import type { Database, Handle } from '$lib/server/db';
import { snapshot, viewOf } from '$lib/server/live';
import * as participants from '$lib/server/participants';
import * as votes from '$lib/server/votes';
import * as workshops from '$lib/server/workshops';
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

describe.each(engines)('audience views on %s', (engine) => {
	let db: Database;
	let facilitator: Handle;
	let room: { id: string; joinCode: string };
	let other: { id: string };
	let ana: string;
	const ids = {} as Record<'shown' | 'hidden' | 'anasHidden', string>;

	const seen = async (audience: 'participant' | 'screen' | 'facilitator') =>
		(await snapshot(db, room.id, audience))!;

	beforeAll(async () => {
		db = await freshDatabase(engine);
		const org = await organisation(db, 'Harbour');
		const facilitatorId = await member(db, org, 'facilitator');
		facilitator = asMember(db, facilitatorId);
		room = await workshop(db, org, facilitatorId, { status: 'live', stage: 'excite' });
		other = await workshop(db, org, facilitatorId, { status: 'live', stage: 'excite' });
		await db.query(`update workshops set hidden_until_reveal = true where id = $1`, [room.id]);
		ana = (await participant(db, room.joinCode, 'Ana')).id;
		ids.shown = await story(db, room.id, { title: 'Shown once revealed' });
		ids.hidden = await story(db, room.id, { title: 'Hidden by the facilitator' });
		ids.anasHidden = await story(db, room.id, { title: "Ana's, hidden" });
		await db.query(`insert into story_authors (story_id, participant_id) values ($1, $2)`, [
			ids.anasHidden,
			ana
		]);
		await db.query(`update stories set hidden = true where id = any ($1::uuid[])`, [
			[ids.hidden, ids.anasHidden]
		]);
		await story(db, other.id, { title: 'Another room' });
		await db.query(
			`insert into moods (workshop_id, participant_id, score, line) values ($1, $2, 4, 'Heard')`,
			[room.id, ana]
		);
		await db.query(
			`insert into phrases (workshop_id, participant_id, text, hidden)
			 values ($1, $2, 'warmth', false), ($1, $2, 'rude word', true)`,
			[room.id, ana]
		);
		await db.query(`insert into vision_versions (workshop_id, version, body) values ($1, 1, 'We listen.')`, [
			room.id
		]);
		await db.query(
			`insert into vision_checks (workshop_id, participant_id, version, stance, reason)
			 values ($1, $2, 1, 'disagree', 'Too vague')`,
			[room.id, ana]
		);
		const [cry] = await db.query<{ id: string }>(
			`insert into rallying_cries (workshop_id, text) values ($1, 'Let''s Go!') returning id`,
			[room.id]
		);
		const vote = await votes.open(facilitator, room.id, { subject: 'rallying_cry', method: 'single' });
		const me = { id: ana, workshopId: room.id, joinCode: room.joinCode, displayName: 'Ana' };
		await votes.cast(participants.asParticipant(db, me), me, vote!.id, [cry!.id]);
	});
	afterAll(() => db.close());

	it('keeps posts from the phones and the screen until the reveal; the facilitator reads them all', async () => {
		expect((await seen('participant')).stories).toEqual([]);
		expect((await seen('screen')).stories).toEqual([]);
		const panel = (await seen('facilitator')).stories.map((card) => card.id);
		expect(panel.sort()).toEqual([ids.shown, ids.hidden, ids.anasHidden].sort());
		// Mood lines are posts too; the counts are not.
		expect((await seen('screen')).room).toMatchObject({ moodCounts: [0, 0, 0, 1, 0], moodLines: [] });
		expect((await seen('facilitator')).room!.moodLines).toMatchObject([{ line: 'Heard' }]);
	});

	it('shows the revealed posts to the room, never the hidden ones, not even on their author’s phone', async () => {
		expect(await workshops.setHiddenUntilReveal(facilitator, room.id, false)).toBe(true);
		expect((await seen('participant')).stories.map((card) => card.id)).toEqual([ids.shown]);
		expect((await seen('screen')).stories.map((card) => card.id)).toEqual([ids.shown]);
		expect((await seen('screen')).room!.moodLines).toMatchObject([{ line: 'Heard' }]);
		// Ana may still read her own hidden story where she reads her own posts; the room's wall is not hers.
		const own = await asParticipant(db, ana).query(`select id from stories where id = $1`, [ids.anasHidden]);
		expect(own).toHaveLength(1);
		await workshops.setHiddenUntilReveal(facilitator, room.id, true);
	});

	it('shows a story in the spotlight before the reveal, unless it is hidden', async () => {
		await db.query(`update workshops set spotlight_story_id = $2 where id = $1`, [room.id, ids.shown]);
		expect((await seen('screen')).workshop.spotlight?.id).toBe(ids.shown);
		expect((await seen('participant')).stories.map((card) => card.id)).toEqual([ids.shown]);
		await db.query(`update workshops set spotlight_story_id = $2 where id = $1`, [room.id, ids.hidden]);
		expect((await seen('screen')).workshop.spotlight).toBeNull();
		expect((await seen('facilitator')).workshop.spotlight?.id).toBe(ids.hidden);
		await db.query(`update workshops set spotlight_story_id = null where id = $1`, [room.id]);
	});

	it('gives the phrases to the screen (not the hidden ones) and none to the phones', async () => {
		expect((await seen('screen')).vision.phrases).toEqual([{ text: 'warmth', count: 1 }]);
		expect((await seen('facilitator')).vision.phrases).toEqual([{ text: 'warmth', count: 1 }]);
		expect((await seen('participant')).vision.phrases).toEqual([]);
	});

	it("counts a vote and a closing check for everyone, shows the count before the reveal and the check's reasons only to the facilitator", async () => {
		for (const audience of ['participant', 'screen', 'facilitator'] as const) {
			const { excite, vision } = await seen(audience);
			expect(excite.vote).toMatchObject({ status: 'open', ballots: 1 });
			expect(vision.checks).toMatchObject({ version: 1, disagree: 1 });
			expect(excite.vote!.result === null).toBe(audience !== 'facilitator');
			expect(vision.checks.reasons).toEqual(audience === 'facilitator' ? ['Too vague'] : []);
		}
	});

	it('reads nothing of another workshop, and writes nothing', async () => {
		const panel = viewOf(db, room.id, 'facilitator');
		expect(await panel.query(`select id from stories where workshop_id = $1`, [other.id])).toEqual([]);
		expect(await panel.query(`select id from workshops where id = $1`, [other.id])).toEqual([]);
		await expect(
			panel.query(`update workshops set title = 'Renamed' where id = $1`, [room.id])
		).rejects.toMatchObject({ code: '25006' }); // read_only_sql_transaction
		expect(await panel.query(`select app.check_reasons($1, 1) as reason`, [other.id])).toEqual([]);
	});
});
