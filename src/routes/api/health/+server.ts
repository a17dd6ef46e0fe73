import { system } from '$lib/server/db';
import { countApplied } from '$lib/server/db/migrate';
import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async () => {
	const db = system();
	try {
		return json({ ok: true, db: db.engine, migrations: await countApplied(db) });
	} catch {
		return json({ ok: false, db: db.engine }, { status: 503 });
	}
};
