// Starting on PostgreSQL as deployments do: as an owner that is not a superuser (a managed
// PostgreSQL: RDS, Cloud SQL, Neon…), and as several instances at the same moment.
import { asIdentity } from '$lib/server/db';
import { ANONYMOUS } from '$lib/server/db/types';
import { migrate, migrations } from '$lib/server/db/migrate';
import { openPostgres } from '$lib/server/db/postgres';
import { seedDemo } from '$lib/server/demo';
import { freezeEarlierReveals } from '$lib/server/votes';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { createPostgresDatabase, dropPostgresDatabase, engines } from '../setup/databases';

/** The test server's URL for `database`, connecting as `user` (the test's superuser by default). */
function urlOf(database: string, user?: string): string {
	const url = new URL(inject('postgresUrl')!);
	url.pathname = `/${database}`;
	if (user) url.username = user;
	return url.toString();
}

/** Runs SQL as the test server's superuser. */
async function asAdministrator(sql: string): Promise<void> {
	const admin = postgres(inject('postgresUrl')!, { max: 1, onnotice: () => {} });
	try {
		await admin.unsafe(sql);
	} finally {
		await admin.end();
	}
}

describe.skipIf(!engines.includes('postgres'))('starting on PostgreSQL', () => {
	it('as an owner that is not a superuser: migrates, seeds and serves requests as their roles', async () => {
		// As a managed PostgreSQL gives it: may create roles and databases, nothing more.
		const suffix = randomBytes(6).toString('hex');
		const owner = `cx_owner_${suffix}`;
		const name = `cx_test_${suffix}`;
		await asAdministrator(`create role ${owner} login createrole createdb`);
		await asAdministrator(`create database ${name} owner ${owner}`);
		const db = openPostgres(urlOf(name, owner), { max: 2 });
		onTestFinished(async () => {
			await db.close();
			await dropPostgresDatabase(name);
			await asAdministrator(`drop role ${owner}`);
		});

		expect((await migrate(db)).applied).toHaveLength(migrations.length);
		expect(await migrate(db)).toEqual({ applied: [], total: migrations.length });
		expect(await seedDemo(db, 'a demo password')).not.toBeNull();
		const [asked] = await asIdentity(db, ANONYMOUS).query<{ role: string; workshop: unknown }>(
			`select current_user as role, app.workshop_preview('DEMO42') as workshop`
		);
		expect(asked!.role).toBe('anon');
		expect(asked!.workshop).not.toBeNull();
	});

	it('three instances starting at the same moment on an empty database all start', async () => {
		const name = `cx_test_${randomBytes(6).toString('hex')}`;
		await createPostgresDatabase(name);
		const instances = [1, 2, 3].map(() => openPostgres(urlOf(name), { max: 2 }));
		onTestFinished(async () => {
			await Promise.all(instances.map((db) => db.close()));
			await dropPostgresDatabase(name);
		});

		// What each instance's start-up does with the database, all at once.
		const started = await Promise.allSettled(
			instances.map(async (db) => {
				const { applied } = await migrate(db);
				await freezeEarlierReveals(db);
				return { applied: applied.length, seeded: (await seedDemo(db, 'a demo password')) !== null };
			})
		);
		const reasons = started.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
		expect(reasons).toEqual([]);
		const each = started.map(
			(result) => (result as PromiseFulfilledResult<{ applied: number; seeded: boolean }>).value
		);
		expect(each.map((start) => start.applied).sort()).toEqual([0, 0, migrations.length]);
		expect(each.filter((start) => start.seeded)).toHaveLength(1);
	});
});
