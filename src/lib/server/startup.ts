import os from 'node:os';
import { closeDatabase, openDatabase, type Database } from './db';
import { countApplied } from './db/migrate';
import { DataDirInUseError } from './db/lockfile';
import { DEMO_EMAIL, seedDemo } from './demo';
import { readMetricsFrom } from './ops/metrics';
import { startRetention } from './retention';
import { startLiveHub, stopLiveHub } from './realtime';
import { newToken } from './tokens';
import { freezeEarlierReveals } from './votes';

/** DATABASE_URL, DATABASE_POOL_SIZE, DATA_DIR, DEMO (off), DEMO_PASSWORD, PORT: see the README. */
type StartEnv = Record<string, string | undefined>;

/** Addresses a phone on the same network can open. */
export function networkUrls(port: string): string[] {
	return Object.values(os.networkInterfaces())
		.flat()
		.filter((address) => address && address.family === 'IPv4' && !address.internal)
		.map((address) => `http://${address!.address}:${port}`);
}

/** Opens the database (taking the data directory's lock), migrates, seeds the demo and says hello. */
export async function start(env: StartEnv): Promise<Database> {
	const startedAt = performance.now();
	let db: Database;
	try {
		db = await openDatabase(env);
	} catch (error) {
		if (error instanceof DataDirInUseError) {
			console.error(`\n${error.message}\n`);
			process.exit(1);
		}
		throw error;
	}
	const frozen = await freezeEarlierReveals(db);
	if (frozen > 0) console.log(`Stored the results of ${frozen} votes revealed before results were stored.`);
	if (env.DEMO !== 'off') {
		const password = env.DEMO_PASSWORD || newToken().slice(0, 16);
		const seeded = await seedDemo(db, password);
		if (seeded && !env.DEMO_PASSWORD) {
			console.log(
				`\nDemo facilitator: ${DEMO_EMAIL}  password: ${password}  (shown once; set DEMO_PASSWORD to choose it)`
			);
		}
	}
	const stopRetention = startRetention(db);
	const hub = startLiveHub(db);
	readMetricsFrom(hub, db);
	// The shutdown, in serve.js's order: on `cx:drain` the live streams end (so the requests left are
	// ordinary ones, which finish); on `sveltekit:shutdown`, once no request is left, the database
	// closes, and `cx:closed` tells serve.js it may exit.
	const stopped = new Promise<void>((resolve) => process.once('cx:drain', resolve)).then(() => {
		stopRetention();
		return stopLiveHub().catch((error: unknown) => console.error('Stopping live updates failed:', error));
	});
	process.once('sveltekit:shutdown', () => {
		process.emit('cx:drain');
		stopped
			.then(closeDatabase)
			.then(
				() => console.log('Database closed.'),
				(error: unknown) => console.error('Closing the database failed:', error)
			)
			.finally(() => process.emit('cx:closed'));
	});

	const port = env.PORT || '3000';
	const migrations = await countApplied(db);
	const where =
		db.engine === 'pglite' ? `PGlite in ${env.DATA_DIR || './data'}` : 'PostgreSQL (DATABASE_URL)';
	console.log(
		[
			``,
			`CX Workshop is ready on ${where}, ${migrations} migrations, in ${Math.round(performance.now() - startedAt)} ms.`,
			`  On this computer:   http://localhost:${port}`,
			...networkUrls(port).map((url) => `  Phones on the Wi-Fi: ${url}`),
			``
		].join('\n')
	);
	return db;
}
