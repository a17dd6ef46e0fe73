// The driver seam behaves the same on every engine: types, transactions, notifications, identity.
import { asIdentity, type Database } from '$lib/server/db';
import { acquireLock, DataDirInUseError } from '$lib/server/db/lockfile';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';

describe.each(engines)('database seam on %s', (engine) => {
	let db: Database;
	beforeAll(async () => {
		db = await freshDatabase(engine);
		await db.exec(`create table scratch (id int primary key, tags text[], doc jsonb, at timestamptz)`);
	});
	afterAll(() => db.close());

	it('returns the same JavaScript types on every engine', async () => {
		const [row] = await db.query(
			`select 42::bigint as big, 7 as int, 'x'::text as text, array['a','b'] as tags, '{"k":[1]}'::jsonb as doc,
			        timestamptz '2026-01-02T03:04:05Z' as at, true as yes, null::text as nothing, $1::uuid as id`,
			['6f1c1a9e-6a55-4a7e-9a4d-3d1b7d1f0c11']
		);
		expect(row).toEqual({
			big: 42,
			int: 7,
			text: 'x',
			tags: ['a', 'b'],
			doc: { k: [1] },
			at: new Date('2026-01-02T03:04:05Z'),
			yes: true,
			nothing: null,
			id: '6f1c1a9e-6a55-4a7e-9a4d-3d1b7d1f0c11'
		});
	});

	it('takes JSON parameters as text or as values, alike', async () => {
		const [row] = await db.query<{ a: unknown; b: unknown; kind: string }>(
			`select $1::jsonb as a, $2::jsonb as b, jsonb_typeof($1::jsonb) as kind`,
			['["x",1]', { k: ['x'] }]
		);
		expect(row).toEqual({ a: ['x', 1], b: { k: ['x'] }, kind: 'array' });
	});

	it('passes parameters as values, never as SQL', async () => {
		const evil = `'); drop table scratch; --`;
		const [row] = await db.query<{ value: string }>(`select $1::text as value`, [evil]);
		expect(row!.value).toBe(evil);
		expect(await db.query(`select count(*)::int as n from scratch`)).toEqual([{ n: 0 }]);
	});

	it('rolls a transaction back when it throws, and nested transactions join the outer one', async () => {
		await expect(
			db.transaction(async (tx) => {
				await tx.query(`insert into scratch (id) values (1)`);
				await tx.transaction((inner) => inner.query(`insert into scratch (id) values (2)`));
				throw new Error('boom');
			})
		).rejects.toThrow('boom');
		expect(await db.query(`select id from scratch`)).toEqual([]);
	});

	it('delivers a NOTIFY after commit and never for a rolled-back transaction', async () => {
		const received: string[] = [];
		const unlisten = await db.listen('workshop_test', (payload) => received.push(payload));
		await expect(
			db.transaction(async (tx) => {
				await tx.query(`select pg_notify('workshop_test', 'rolled back')`);
				throw new Error('undo');
			})
		).rejects.toThrow('undo');
		await db.transaction((tx) => tx.query(`select pg_notify('workshop_test', $1)`, ['{"version":1}']));
		await expect.poll(() => received).toEqual(['{"version":1}']);
		await unlisten();
		// A probe on another channel, sent after it in the same transaction, arrives after it would have.
		const probed: string[] = [];
		const unlistenProbe = await db.listen('workshop_probe', (payload) => probed.push(payload));
		await db.transaction(async (tx) => {
			await tx.query(`select pg_notify('workshop_test', 'after unlisten')`);
			await tx.query(`select pg_notify('workshop_probe', 'sent after')`);
		});
		await expect.poll(() => probed).toEqual(['sent after']);
		await unlistenProbe();
		expect(received).toEqual(['{"version":1}']);
	});

	it('runs a scoped handle as the identity, and only for its own transaction', async () => {
		const sub = '0b7a3f4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
		const scoped = asIdentity(db, { role: 'authenticated', sub, kind: 'participant' });
		const [inside] = await scoped.query<{ role: string; uid: string; anonymous: boolean }>(
			`select current_user as role, auth.uid() as uid, (auth.jwt() ->> 'is_anonymous')::boolean as anonymous`
		);
		expect(inside).toEqual({ role: 'authenticated', uid: sub, anonymous: true });
		const [after] = await db.query<{ role: string; uid: string | null }>(
			`select current_user as role, auth.uid() as uid`
		);
		expect(after!.uid).toBeNull();
		expect(after!.role).not.toBe('authenticated');
	});
});

describe('data directory lock', () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cx-lock-'));
	afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

	it('refuses a second holder while the first is alive, and frees on release', () => {
		const release = acquireLock(dir);
		expect(() => acquireLock(dir)).toThrow(DataDirInUseError);
		release();
		acquireLock(dir)();
	});

	it('takes over a lock left by a process that is gone', () => {
		fs.writeFileSync(path.join(dir, 'cx-workshop.lock'), '2147483646');
		const release = acquireLock(dir);
		expect(fs.readFileSync(path.join(dir, 'cx-workshop.lock'), 'utf8')).toBe(String(process.pid));
		release();
	});

	it('refuses when another live process holds it', () => {
		fs.writeFileSync(path.join(dir, 'cx-workshop.lock'), String(process.ppid));
		expect(() => acquireLock(dir)).toThrow(/already in use.*pid/);
		fs.rmSync(path.join(dir, 'cx-workshop.lock'));
	});
});
