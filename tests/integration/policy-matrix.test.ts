// The policy matrix: for every table in the catalogue, every command, and every kind of caller, who
// may do it — written once, here, and checked against the database on every engine. Each cell runs
// in a transaction that is rolled back: the world is set up as the owner, then the caller's role
// and claims are set exactly as Supabase's API (and asIdentity) set them, then one statement is
// tried on one row of the workshop under test. A table that appears without a row here fails.
//
// The three views of a live workshop are identities too: the room's phones, the screen (what a
// screen link opens, once the server has checked its secret) and the facilitator's panel. They read
// under the claims {view, view_of}; every write is refused them by the policies, before the
// read-only transaction they are read in would refuse it.
import type { Database, Handle } from '$lib/server/db';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';
import { member, nextTestCode, organisation, participant, workshop } from '../setup/fixtures';

const CALLERS = [
	'anon',
	'author', // the participant whose row it is
	'participant', // another participant of the same workshop
	'sameOrg', // a participant of another workshop of the same organisation
	'otherOrg', // a participant of another organisation's workshop
	'leader',
	'facilitator', // of this workshop
	'owner', // of this organisation
	'stranger', // a member (owner) of another organisation
	'phones', // the room's view: what every participant sees live
	'screen', // the screen's view
	'panel' // the facilitator's view
] as const;
type Caller = (typeof CALLERS)[number];
const COMMANDS = ['select', 'insert', 'update', 'delete'] as const;
type Command = (typeof COMMANDS)[number];

interface TableRules extends Record<Command, Caller[]> {
	/** The stage the workshop is in while this table is tried (writes follow the stage). */
	stage?: string;
	/** Statements (as the owner, $1 = the workshop) run before the caller acts. */
	prepare?: string[];
	/** The column a no-op update sets to itself (one the room may change, where anyone may). */
	touch: string;
}

const NOBODY: Caller[] = [];
const ROOM: Caller[] = ['author', 'participant'];
const MEMBERS: Caller[] = ['leader', 'facilitator', 'owner'];
const DRIVERS: Caller[] = ['facilitator', 'owner'];
const VIEWS: Caller[] = ['phones', 'screen', 'panel'];
/** Everyone who sees the workshop: its participants, its organisation's members and its views. */
const SEES: Caller[] = [...ROOM, ...MEMBERS, ...VIEWS];
/** Who sees the room's people: the facilitators, the screen and the panel. */
const SHOWN: Caller[] = [...DRIVERS, 'screen', 'panel'];
const secret = (touch: string): TableRules => ({
	select: NOBODY,
	insert: NOBODY,
	update: NOBODY,
	delete: NOBODY,
	touch
});

const MATRIX: Record<string, TableRules> = {
	organisations: { select: MEMBERS, insert: NOBODY, update: ['owner'], delete: NOBODY, touch: 'name' },
	users: { select: MEMBERS, insert: NOBODY, update: ['leader'], delete: NOBODY, touch: 'display_name' },
	memberships: {
		select: MEMBERS,
		insert: NOBODY,
		update: ['owner'],
		delete: ['leader', 'owner'],
		touch: 'role'
	},
	invites: { select: ['owner'], insert: ['owner'], update: NOBODY, delete: ['owner'], touch: 'role' },
	// Nobody deletes a running workshop (as this one is); once ended, its drivers may:
	// delete-workshop.test.ts.
	workshops: { select: SEES, insert: DRIVERS, update: DRIVERS, delete: NOBODY, touch: 'title' },
	workshop_facilitators: {
		select: MEMBERS,
		insert: DRIVERS,
		update: NOBODY,
		delete: DRIVERS,
		touch: 'user_id'
	},
	participants: {
		select: ['author', ...SHOWN],
		insert: NOBODY,
		update: ['author'],
		delete: NOBODY,
		touch: 'display_name'
	},
	stage_ready: {
		select: ['author', ...SHOWN],
		insert: ROOM,
		update: NOBODY,
		delete: ['author'],
		touch: 'stage'
	},
	moods: {
		stage: 'explore',
		select: ['author', 'leader', ...SHOWN],
		insert: ROOM,
		update: ['author'],
		delete: ['author'],
		touch: 'line'
	},
	stories: {
		stage: 'dream',
		select: [...ROOM, ...DRIVERS, ...VIEWS],
		insert: ROOM,
		update: ['author', ...DRIVERS],
		delete: ['author'],
		touch: 'title'
	},
	story_authors: {
		select: ['author'],
		insert: NOBODY,
		update: NOBODY,
		delete: NOBODY,
		touch: 'participant_id'
	},
	reactions: {
		stage: 'dream',
		select: SEES,
		insert: ['participant'],
		update: NOBODY,
		delete: ['participant'],
		touch: 'kind'
	},
	phrases: {
		stage: 'dream',
		select: ['author', 'leader', ...SHOWN],
		insert: ROOM,
		update: DRIVERS,
		delete: ['author'],
		touch: 'hidden'
	},
	obstacles: {
		stage: 'grow',
		prepare: [`delete from votes where workshop_id = $1`],
		select: SEES,
		insert: ROOM,
		update: DRIVERS,
		delete: ['author'],
		touch: 'hidden'
	},
	fixes: { stage: 'grow', select: SEES, insert: ROOM, update: NOBODY, delete: ['author'], touch: 'text' },
	action_items: {
		stage: 'grow',
		select: SEES,
		insert: DRIVERS,
		update: DRIVERS,
		delete: DRIVERS,
		touch: 'title'
	},
	// Kept for the room (the row here): the room, its facilitators and its views read it; leaders only
	// what is shared with the organisation (personal-visions.test.ts has every consent). Its writer
	// changes it; its facilitators only hide it (personal-vision-wall.test.ts).
	personal_visions: {
		stage: 'excite',
		select: ['author', 'participant', ...DRIVERS, ...VIEWS],
		insert: ROOM,
		update: ['author', ...DRIVERS],
		delete: ['author'],
		touch: 'vision'
	},
	// Written only through app.update_action (follow-up.test.ts); the organisation's members read them.
	action_updates: { select: MEMBERS, insert: NOBODY, update: NOBODY, delete: NOBODY, touch: 'note' },
	// Counts of library stories, written only by triggers on stories (insights.test.ts).
	library_story_tallies: {
		select: MEMBERS,
		insert: NOBODY,
		update: NOBODY,
		delete: NOBODY,
		touch: 'stories'
	},
	library_theme_tallies: {
		select: MEMBERS,
		insert: NOBODY,
		update: NOBODY,
		delete: NOBODY,
		touch: 'stories'
	},
	vision_versions: {
		stage: 'excite',
		select: SEES,
		insert: DRIVERS,
		update: NOBODY,
		delete: NOBODY,
		touch: 'body'
	},
	vision_amendments: {
		stage: 'excite',
		select: SEES,
		insert: ROOM,
		update: DRIVERS,
		delete: NOBODY,
		touch: 'status'
	},
	vision_checks: {
		stage: 'excite',
		select: ['author'],
		insert: ROOM,
		update: ['author'],
		delete: ['author'],
		touch: 'stance'
	},
	rallying_cries: {
		stage: 'excite',
		prepare: [`delete from votes where workshop_id = $1`],
		select: SEES,
		insert: ROOM,
		update: DRIVERS,
		delete: NOBODY,
		touch: 'hidden'
	},
	votes: { stage: 'excite', select: SEES, insert: DRIVERS, update: DRIVERS, delete: NOBODY, touch: 'status' },
	ballots: {
		stage: 'excite',
		select: ['author'],
		insert: ROOM,
		update: ['author'],
		delete: NOBODY,
		touch: 'choices'
	},
	// Secrets: only the owner connection (the sign-in service) reads them.
	credentials: secret('password_hash'),
	participant_secrets: secret('token_hash'),
	sessions: secret('expires_at'),
	sign_in_throttles: secret('attempts'),
	join_throttles: secret('failures'),
	password_resets: secret('expires_at')
};

/** Columns a copied row must not repeat (unique, or set by the library rather than the poster). */
const FRESH: Record<string, () => Record<string, unknown>> = {
	stories: () => ({
		idempotency_key: randomUUID(),
		consent: 'library_anonymous', // a named story takes the poster's name, which members lack
		reaction_count: 0,
		library_at: null,
		featured_at: null,
		edited_at: null
	}),
	workshops: () => ({ join_code: nextTestCode(), screen_token_hash: null }),
	invites: () => ({ token_hash: randomBytes(32).toString('hex') }),
	users: () => ({ email: `${randomUUID()}@example.com` }),
	sessions: () => ({ token_hash: randomBytes(32).toString('hex') }),
	password_resets: () => ({ token_hash: randomBytes(32).toString('hex') })
};

const VIEW_OF: Partial<Record<Caller, string>> = {
	phones: 'participant',
	screen: 'screen',
	panel: 'facilitator'
};

type Outcome = 'allowed' | 'refused' | `error ${string}`;
const ROLLBACK = new Error('rollback');

describe.each(engines)('the policy matrix on %s', (engine) => {
	let db: Database;
	let workshopId: string;
	const ids = {} as Record<Caller, string | null>;
	const members = new Set<Caller>(['leader', 'facilitator', 'owner', 'stranger']);
	/** The one row of each table the callers try, as its primary key. */
	const targets = new Map<string, Record<string, unknown>>();

	beforeAll(async () => {
		db = await freshDatabase(engine);
		const orgA = await organisation(db, 'Org A');
		const orgB = await organisation(db, 'Org B');
		const owner = await member(db, orgA, 'owner');
		const facilitator = await member(db, orgA, 'facilitator');
		const leader = await member(db, orgA, 'leader');
		const stranger = await member(db, orgB, 'owner');
		const here = await workshop(db, orgA, facilitator, { stage: 'dream' });
		const sibling = await workshop(db, orgA, owner, { stage: 'dream' });
		const elsewhere = await workshop(db, orgB, stranger, { stage: 'dream' });
		workshopId = here.id;
		const author = (await participant(db, here.joinCode, 'Ana')).id;
		Object.assign(ids, {
			anon: null,
			author,
			participant: (await participant(db, here.joinCode, 'Ben')).id,
			sameOrg: (await participant(db, sibling.joinCode, 'Cy')).id,
			otherOrg: (await participant(db, elsewhere.joinCode, 'Di')).id,
			leader,
			facilitator,
			owner,
			stranger,
			phones: null,
			screen: null,
			panel: null
		});
		await seed(db, { orgA, owner, facilitator, leader, author, participant: ids.participant!, workshopId });
		for (const table of Object.keys(MATRIX))
			targets.set(table, await targetOf(db, table, { orgA, leader, author, workshopId }));
	});
	afterAll(() => db.close());

	it('covers every table in the catalogue, and every table has row-level security', async () => {
		const tables = await db.query<{ name: string; rls: boolean }>(
			`select c.relname as name, c.relrowsecurity as rls from pg_class c
			 join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'cx' and c.relkind = 'r' order by 1`
		);
		expect(tables.map((t) => t.name)).toEqual(Object.keys(MATRIX).sort());
		expect(tables.filter((t) => !t.rls)).toEqual([]);
		const policies = await db.query<{ cmd: string }>(
			`select distinct cmd from pg_policies where schemaname = 'cx'`
		);
		// FOR ALL policies would blur the columns below; every policy names its command.
		expect(policies.map((p) => p.cmd).sort()).toEqual(['DELETE', 'INSERT', 'SELECT', 'UPDATE']);
	});

	for (const [table, rules] of Object.entries(MATRIX)) {
		it(`${table}: who may select, insert, update and delete`, async () => {
			const actual: Record<string, Caller[]> = {};
			const errors: string[] = [];
			for (const command of COMMANDS) {
				actual[command] = [];
				for (const caller of CALLERS) {
					const outcome = await attempt(table, rules, command, caller);
					if (outcome === 'allowed') actual[command]!.push(caller);
					else if (outcome !== 'refused') errors.push(`${command} as ${caller}: ${outcome}`);
				}
			}
			expect(errors).toEqual([]);
			expect(actual).toEqual({
				select: rules.select,
				insert: rules.insert,
				update: rules.update,
				delete: rules.delete
			});
		});
	}

	async function attempt(
		table: string,
		rules: TableRules,
		command: Command,
		caller: Caller
	): Promise<Outcome> {
		const target = targets.get(table)!;
		const where = Object.keys(target)
			.map((column, i) => `${column} = $${i + 1}`)
			.join(' and ');
		const keys = Object.values(target);
		let outcome: Outcome = 'refused';
		await db
			.transaction(async (tx) => {
				await tx.query(`update workshops set stage = $2 where id = $1`, [workshopId, rules.stage ?? 'dream']);
				for (const sql of rules.prepare ?? []) await tx.query(sql, [workshopId]);
				const copy = command === 'insert' ? await insertable(tx, table, where, keys, caller) : null;
				await tx.query(`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [
					caller === 'anon' ? 'anon' : 'authenticated',
					JSON.stringify(claims(caller))
				]);
				try {
					const rows = await tx.query(
						statement(table, rules, command, where, copy),
						copy ? [copy.row] : keys
					);
					outcome = rows.length > 0 ? 'allowed' : 'refused';
				} catch (error) {
					outcome = classify(error);
				}
				throw ROLLBACK;
			})
			.catch((error: unknown) => {
				if (error !== ROLLBACK) throw error;
			});
		return outcome;
	}

	function claims(caller: Caller) {
		if (caller === 'anon') return { role: 'anon' };
		if (caller in VIEW_OF) return { role: 'authenticated', view: VIEW_OF[caller], view_of: workshopId };
		return { sub: ids[caller], role: 'authenticated', is_anonymous: !members.has(caller) };
	}

	/** The target row, copied as a new row this caller would post (their own ids in it). */
	async function insertable(tx: Handle, table: string, where: string, keys: unknown[], caller: Caller) {
		const [found] = await tx.query<{ row: Record<string, unknown> }>(
			`select to_jsonb(t) as row from ${table} t where ${where}`,
			keys
		);
		const row = { ...found!.row, ...FRESH[table]?.() };
		if ('id' in row && table !== 'users') row.id = randomUUID();
		const me = ids[caller];
		if (me && !members.has(caller) && 'participant_id' in row) row.participant_id = me;
		if (me && members.has(caller)) {
			for (const column of ['created_by', 'user_id']) if (column in row) row[column] = me;
		}
		const columns = await tx.query<{ name: string }>(
			`select attname as name from pg_attribute
			 where attrelid = $1::regclass and attnum > 0 and not attisdropped and attgenerated = '' and attidentity = ''`,
			[`cx.${table}`]
		);
		return { row: JSON.stringify(row), columns: columns.map((c) => c.name).filter((c) => c in row) };
	}

	function statement(
		table: string,
		rules: TableRules,
		command: Command,
		where: string,
		copy: { columns: string[] } | null
	): string {
		switch (command) {
			case 'select':
				return `select 1 from ${table} where ${where}`;
			case 'update': {
				return `update ${table} set ${rules.touch} = ${rules.touch} where ${where} returning 1`;
			}
			case 'delete':
				return `delete from ${table} where ${where} returning 1`;
			case 'insert': {
				const list = copy!.columns.join(', ');
				return `insert into ${table} (${list}) select ${list} from jsonb_populate_record(null::${table}, $1::jsonb) returning 1`;
			}
		}
	}
});

/**
 * What an error means here: a refusal (a grant, a policy, or a guard saying "insufficient
 * privilege"), or a duplicate — which the database only checks once the policies have let the
 * row through, so the caller was allowed. Anything else is a mistake in this test's world.
 */
function classify(error: unknown): Outcome {
	const code = (error as { code?: string }).code;
	if (code === '42501') return 'refused';
	if (code === '23505') return 'allowed';
	return `error ${code}: ${(error as Error).message}`;
}

/** One row of everything in the workshop, written by the owner connection. */
async function seed(
	db: Database,
	w: {
		orgA: string;
		owner: string;
		facilitator: string;
		leader: string;
		author: string;
		participant: string;
		workshopId: string;
	}
) {
	const one = async (sql: string, params: unknown[]) =>
		(await db.query<{ id: string }>(sql, params))[0]?.id ?? null;
	const story = await one(
		`insert into stories (workshop_id, kind, perspective, title, body, consent, idempotency_key)
		 values ($1, 'good', 'customer', 'Rang back', 'Within the hour', 'library_named', gen_random_uuid()) returning id`,
		[w.workshopId]
	);
	await db.query(`insert into story_authors (story_id, participant_id) values ($1, $2)`, [story, w.author]);
	await db.query(
		`insert into reactions (story_id, participant_id, workshop_id, kind) values ($1, $2, $3, 'heart')`,
		[story, w.participant, w.workshopId]
	);
	await db.query(`insert into moods (workshop_id, participant_id, score, line) values ($1, $2, 4, 'Good')`, [
		w.workshopId,
		w.author
	]);
	await db.query(
		`insert into phrases (workshop_id, participant_id, text) values ($1, $2, 'Every call counts')`,
		[w.workshopId, w.author]
	);
	const obstacle = await one(
		`insert into obstacles (workshop_id, participant_id, text) values ($1, $2, 'Slow approvals') returning id`,
		[w.workshopId, w.author]
	);
	await db.query(
		`insert into fixes (obstacle_id, workshop_id, participant_id, text) values ($1, $2, $3, 'Pre-approve')`,
		[obstacle, w.workshopId, w.author]
	);
	await db.query(
		`insert into action_items (workshop_id, obstacle_id, title, owner_name, created_by) values ($1, $2, 'Pre-approve', 'Sam', $3)`,
		[w.workshopId, obstacle, w.facilitator]
	);
	await db.query(
		`insert into personal_visions (workshop_id, participant_id, vision, consent) values ($1, $2, 'Every call ends well', 'room')`,
		[w.workshopId, w.author]
	);
	await db.query(
		`insert into action_updates (action_id, workshop_id, author_id, status, note)
		 select id, workshop_id, $2, 'in_progress', 'Started' from action_items where workshop_id = $1`,
		[w.workshopId, w.facilitator]
	);
	await db.query(
		`insert into library_story_tallies (workshop_id, org_id, library_on, kind, stories) values ($1, $2, current_date, 'good', 1)`,
		[w.workshopId, w.orgA]
	);
	await db.query(
		`insert into library_theme_tallies (workshop_id, org_id, library_on, theme, stories) values ($1, $2, current_date, 'speed', 1)`,
		[w.workshopId, w.orgA]
	);
	await db.query(
		`insert into vision_versions (workshop_id, version, body, created_by) values ($1, 1, 'We answer', $2)`,
		[w.workshopId, w.facilitator]
	);
	await db.query(
		`insert into vision_amendments (workshop_id, participant_id, proposed) values ($1, $2, 'We answer fast')`,
		[w.workshopId, w.author]
	);
	await db.query(
		`insert into vision_checks (workshop_id, participant_id, stance, version) values ($1, $2, 'agree', 1)`,
		[w.workshopId, w.author]
	);
	const cry = await one(
		`insert into rallying_cries (workshop_id, participant_id, text) values ($1, $2, 'Let''s go!') returning id`,
		[w.workshopId, w.author]
	);
	const vote = await one(
		`insert into votes (workshop_id, subject, method) values ($1, 'rallying_cry', 'single') returning id`,
		[w.workshopId]
	);
	await db.query(
		`insert into ballots (vote_id, workshop_id, participant_id, choices) values ($1, $2, $3, $4)`,
		[vote, w.workshopId, w.author, JSON.stringify([cry])]
	);
	await db.query(`insert into stage_ready (participant_id, workshop_id, stage) values ($1, $2, 'dream')`, [
		w.author,
		w.workshopId
	]);
	await db.query(
		`insert into invites (org_id, role, token_hash, created_by, expires_at) values ($1, 'leader', $2, $3, now() + interval '1 day')`,
		[w.orgA, randomBytes(32).toString('hex'), w.owner]
	);
	await db.query(`insert into credentials (user_id, password_hash) values ($1, 'x')`, [w.leader]);
	await db.query(
		`insert into sessions (token_hash, user_id, expires_at) values ($1, $2, now() + interval '1 day')`,
		[randomBytes(32).toString('hex'), w.leader]
	);
	await db.query(`insert into sign_in_throttles (key) values ('account:someone@example.com')`, []);
	await db.query(`insert into join_throttles (address) values ('10.0.0.1')`, []);
	await db.query(`insert into password_resets (token_hash, user_id, created_by) values ($1, $2, $3)`, [
		randomBytes(32).toString('hex'),
		w.leader,
		w.owner
	]);
}

/** The primary key of the row each table's callers try: the workshop's, or the organisation's. */
async function targetOf(
	db: Database,
	table: string,
	w: { orgA: string; leader: string; author: string; workshopId: string }
): Promise<Record<string, unknown>> {
	const [pk] = await db.query<{ columns: string[] }>(
		`select array_agg(a.attname::text order by array_position(i.indkey::int2[], a.attnum)) as columns
		 from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any (i.indkey)
		 where i.indrelid = $1::regclass and i.indisprimary`,
		[`cx.${table}`]
	);
	const scope: Record<string, [string, unknown]> = {
		organisations: ['id = $1', w.orgA],
		users: ['id = $1', w.leader],
		memberships: ['user_id = $1', w.leader],
		invites: ['org_id = $1', w.orgA],
		workshops: ['id = $1', w.workshopId],
		participants: ['id = $1', w.author],
		story_authors: ['participant_id = $1', w.author],
		credentials: ['user_id = $1', w.leader],
		sessions: ['user_id = $1', w.leader],
		participant_secrets: ['participant_id = $1', w.author],
		sign_in_throttles: ['true or $1::text is null', null],
		join_throttles: ['true or $1::text is null', null],
		password_resets: ['user_id = $1', w.leader]
	};
	const [condition, value] = scope[table] ?? ['workshop_id = $1', w.workshopId];
	const columns = pk!.columns.join(', ');
	const [row] = await db.query<Record<string, unknown>>(
		`select ${columns} from ${table} where ${condition} limit 1`,
		[value]
	);
	if (!row) throw new Error(`No row of ${table} to try`);
	return row;
}
