// The join pages' answer to a typed code, counted against the guesses allowed from its address.
import type { RequestEvent } from '@sveltejs/kit';
import { system } from '../db';
import * as joinGuesses from '../joinGuesses';
import { clientAddress } from './clientAddress';

/** What the join pages say for a code that opens no workshop (or an ended one: the same words). */
export const NO_WORKSHOP = 'No workshop has that code. Check the code on the screen.';

type Refusal = { status: 404 | 429; message: string } | null;

/**
 * A refused join post renders its page, whose load asks again: one request is one guess, so the
 * answer is kept for the request.
 */
const answered = new WeakMap<Request, Promise<Refusal>>();

/**
 * Null when the code opens a workshop not ended; else the status and words to answer with: 404 for
 * a miss, 429 (with Retry-After) when this address has missed too often.
 */
export function refusedGuess(
	event: Pick<RequestEvent, 'getClientAddress' | 'setHeaders' | 'request'>,
	code: string
): Promise<Refusal> {
	let answer = answered.get(event.request);
	if (!answer) {
		answer = lookUp(event, code);
		answered.set(event.request, answer);
	}
	return answer;
}

async function lookUp(
	event: Pick<RequestEvent, 'getClientAddress' | 'setHeaders'>,
	code: string
): Promise<Refusal> {
	try {
		const found = await joinGuesses.guess(system(), clientAddress(event), code);
		return found ? null : { status: 404, message: NO_WORKSHOP };
	} catch (err) {
		if (!(err instanceof joinGuesses.TooManyGuessesError)) throw err;
		event.setHeaders({ 'retry-after': String(err.retryAfter) });
		return { status: 429, message: err.message };
	}
}
