// The join pages' answer to a typed code, counted against the guesses allowed from its address.
import type { RequestEvent } from '@sveltejs/kit';
import { system } from '../db';
import * as joinGuesses from '../joinGuesses';
import { clientAddress } from './clientAddress';

/** What the join pages say for a code that opens no workshop (or an ended one: the same words). */
export const NO_WORKSHOP = 'No workshop has that code. Check the code on the screen.';

/**
 * Null when the code opens a workshop not ended; else the status and words to answer with: 404 for
 * a miss, 429 (with Retry-After) when this address has missed too often.
 */
export async function refusedGuess(
	event: Pick<RequestEvent, 'getClientAddress' | 'setHeaders'>,
	code: string
): Promise<{ status: 404 | 429; message: string } | null> {
	try {
		const found = await joinGuesses.guess(system(), clientAddress(event), code);
		return found ? null : { status: 404, message: NO_WORKSHOP };
	} catch (err) {
		if (!(err instanceof joinGuesses.TooManyGuessesError)) throw err;
		event.setHeaders({ 'retry-after': String(err.retryAfter) });
		return { status: 429, message: err.message };
	}
}
