// Join-code guesses, limited per address. Like the sign-in service it works on the owner
// connection (before anyone has joined); its table has row-level security on and no policies.
//
// Only misses count — a code that opens no workshop, or an ended one — so a venue where hundreds of
// phones share one address is never slowed by its own joins. A code found from an address is
// remembered there: phones typing it afterwards are not guessing and never wait, even once that
// address has missed too often; a guesser who found one code still waits for every other.
import type { Database } from './db';

/** After this many misses from one address within WINDOW_MINUTES, its guesses wait. */
export const MISSES_ALLOWED = 20;
export const WINDOW_MINUTES = 10;
/** Rows quiet this long are swept (when a code is found, outside the guess's row lock). */
const SWEEP_AFTER = '1 day';

export class TooManyGuessesError extends Error {
	constructor(readonly retryAfter: number) {
		const minutes = Math.ceil(retryAfter / 60);
		super(
			`Too many wrong workshop codes from this network. Check the code on the screen and try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`
		);
	}
}

/**
 * Looks a typed code up for this address: true when it opens a workshop not ended (joinable now, or
 * closed for joining, which the join page says), false for a miss, which is counted. Refused with
 * how long to wait when the address has missed too often, without looking the code up, unless the
 * code was found from this address before. The address's row is locked for the look-up, so
 * parallel guesses queue and a burst gets no more than MISSES_ALLOWED misses.
 */
export async function guess(db: Database, address: string, code: string): Promise<boolean> {
	const [known] = await db.query(
		`select 1 from join_throttles where address = $1 and $2 = any (known_codes)`,
		[address, code]
	);
	if (known) return true;
	const outcome = await db.transaction(async (tx) => {
		await tx.query(`insert into join_throttles (address) values ($1) on conflict (address) do nothing`, [
			address
		]);
		const [row] = await tx.query<{ misses: number; wait: number }>(
			`select case when window_ends_at > now() then failures else 0 end as misses,
			        greatest(0, ceil(extract(epoch from window_ends_at - now())))::int as wait
			 from join_throttles where address = $1 for update`,
			[address]
		);
		if (row!.misses >= MISSES_ALLOWED) return { wait: row!.wait, found: false };
		const [workshop] = await tx.query(`select 1 from workshops where join_code = $1 and status <> 'ended'`, [
			code
		]);
		if (workshop) {
			// Kept newest first, at most 50 (a venue runs a handful of workshops a day).
			await tx.query(
				`update join_throttles set known_codes = (array[$2] || array_remove(known_codes, $2))[1:50], updated_at = now()
				 where address = $1`,
				[address, code]
			);
		} else {
			await tx.query(
				`update join_throttles
				 set failures = case when window_ends_at > now() then failures + 1 else 1 end,
				     window_ends_at = case when window_ends_at > now() then window_ends_at
				                           else now() + make_interval(mins => $2) end,
				     updated_at = now()
				 where address = $1`,
				[address, WINDOW_MINUTES]
			);
		}
		return { wait: 0, found: Boolean(workshop) };
	});
	if (outcome.wait > 0) throw new TooManyGuessesError(outcome.wait);
	if (outcome.found)
		await db.query(`delete from join_throttles where updated_at < now() - $1::interval`, [SWEEP_AFTER]);
	return outcome.found;
}
