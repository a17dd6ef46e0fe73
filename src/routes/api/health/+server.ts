// For load balancers, container health checks and people: is this instance up, on which version, with
// its database answering and its live hub listening? (While it shuts down, src/serve.js answers 503
// with `draining: true` before a request reaches here.)
import { version as build } from '$app/environment';
import { system } from '$lib/server/db';
import { countApplied } from '$lib/server/db/migrate';
import { liveHub } from '$lib/server/realtime';
import { json } from '@sveltejs/kit';
import { version } from '../../../../package.json';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async () => {
	const db = system();
	const about = { version, build, db: db.engine, draining: false };
	const { workshops, streams } = liveHub().stats();
	const live = { workshops, streams };
	try {
		return json({ ok: true, ...about, migrations: await countApplied(db), live });
	} catch {
		return json({ ok: false, ...about, live }, { status: 503 });
	}
};
