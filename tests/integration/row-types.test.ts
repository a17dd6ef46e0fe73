// What src/lib/server/db/rows.ts adds to the generated types holds for the migrated schema and
// both drivers: time columns are named as it expects and come back as Date, no column has a type
// the drivers return differently from the generated types, and every union it narrows a `text`
// column to is exactly what the column's check constraint allows.
import type { Database } from '$lib/server/db';
import type { Narrowed } from '$lib/server/db/rows';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';

/** rows.ts's TimeColumn: read as `Date`; every other column as the generator types it. */
const TIME_COLUMN = /^(at|\w+_at|due_on|library_on)$/;
const TIME_TYPES = ['timestamptz', 'timestamp', 'date'];

/** Types both drivers return as the generated types say (int8 through the engines' bigint parsers). */
const AS_GENERATED = ['uuid', 'text', 'bool', 'int2', 'int4', 'int8', 'jsonb', '_text', '_uuid', 'tsvector'];

/** Each union rows.ts narrows a column to, spelled out: the type makes every list exact and complete. */
type Members = {
	[T in keyof Narrowed]: {
		[C in keyof Narrowed[T] as Narrowed[T][C] extends string ? C : never]: Record<
			Narrowed[T][C] & string,
			true
		>;
	};
};

const MEMBERS: Members = {
	ballots: {}, // choices: a jsonb array, kept to the vote's option ids by a trigger, not a check
	invites: { role: { owner: true, facilitator: true, leader: true } },
	memberships: { role: { owner: true, facilitator: true, leader: true } },
	reactions: { kind: { heart: true, clap: true, wow: true, sad: true, idea: true } },
	stage_ready: {
		stage: { lobby: true, explore: true, dream: true, grow: true, excite: true, wrapup: true }
	},
	stories: {
		kind: { good: true, bad: true },
		perspective: { customer: true, employee: true },
		consent: { room: true, library_anonymous: true, library_named: true }
	},
	vision_checks: { stance: { agree: true, abstain: true, disagree: true } },
	votes: {
		subject: { obstacles: true, rallying_cry: true },
		method: { single: true, dot: true, ranked: true },
		status: { open: true, closed: true, revealed: true }
	},
	workshops: {
		stage: { lobby: true, explore: true, dream: true, grow: true, excite: true, wrapup: true },
		status: { draft: true, live: true, ended: true }
	}
};

describe.each(engines)('row types on %s', (engine) => {
	let db: Database;
	beforeAll(async () => {
		db = await freshDatabase(engine);
	});
	afterAll(() => db.close());

	const columns = () =>
		db.query<{ name: string; type: string }>(
			`select table_name || '.' || column_name as name, udt_name as type
			 from information_schema.columns where table_schema = 'cx' order by 1`
		);

	it('names every date and timestamp column like a time, and no other column', async () => {
		const misnamed = (await columns()).filter(
			(column) => TIME_TYPES.includes(column.type) !== TIME_COLUMN.test(column.name.split('.')[1]!)
		);
		expect(misnamed).toEqual([]);
	});

	it('has no column of a type the drivers return differently from the generated types', async () => {
		const other = (await columns()).filter(
			(column) => !TIME_TYPES.includes(column.type) && !AS_GENERATED.includes(column.type)
		);
		expect(other, 'teach rows.ts what the drivers return for these').toEqual([]);
	});

	it('returns date and timestamptz values as Date', async () => {
		const [row] = await db.query<{ day: unknown; at: unknown }>(
			`select date '2026-01-02' as day, timestamptz '2026-01-02T03:04:05Z' as at`
		);
		expect(row!.day).toBeInstanceOf(Date);
		expect(row!.at).toEqual(new Date('2026-01-02T03:04:05Z'));
	});

	it('narrows each column to exactly the values its check constraint allows', async () => {
		const checks = await db.query<{ table: string; definition: string }>(
			`select conrelid::regclass::text as table, pg_get_constraintdef(oid) as definition
			 from pg_constraint where contype = 'c' and connamespace = 'cx'::regnamespace`
		);
		for (const [table, narrowed] of Object.entries(MEMBERS)) {
			for (const [column, members] of Object.entries(narrowed)) {
				const list = new RegExp(`\\(${column} = ANY \\(ARRAY\\[([^\\]]*)\\]\\)\\)`);
				const allowed = checks
					.filter((check) => check.table === table || check.table === `cx.${table}`)
					.map((check) => list.exec(check.definition)?.[1])
					.find((values) => values !== undefined);
				const values = [...(allowed ?? '').matchAll(/'([^']*)'::text/g)].map((match) => match[1]);
				expect(values.sort(), `${table}.${column}`).toEqual(Object.keys(members).sort());
			}
		}
	});
});
