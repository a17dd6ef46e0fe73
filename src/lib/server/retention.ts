// The retention job: for organisations that set a retention period, a workshop's room-only stories and
// its participants' identities go that many days after it ended (app.apply_retention says exactly
// what). Run by the server at start-up and every hour; each run only removes what is due.
import type { Database } from './db';
import { log } from './ops/log';

const EVERY_MS = 60 * 60 * 1000;

export async function applyRetention(db: Database): Promise<{ stories: number; participants: number }> {
	const [removed] = await db.query<{ stories: number; participants: number }>(
		`select stories, participants from app.apply_retention()`
	);
	return removed ?? { stories: 0, participants: 0 };
}

/** Runs the job now and every hour; returns the function that stops it. */
export function startRetention(db: Database): () => void {
	const run = () =>
		applyRetention(db).then(
			(removed) => {
				if (removed.stories || removed.participants) log.info(removed, 'retention: removed what was due');
			},
			(error: unknown) => log.error({ err: error }, 'retention failed')
		);
	void run();
	const timer = setInterval(() => void run(), EVERY_MS);
	timer.unref();
	return () => clearInterval(timer);
}
