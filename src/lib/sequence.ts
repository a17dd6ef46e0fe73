// A phone numbers each replaceable answer it sends (a ballot, a mood, a closing check) in the order
// the person made them, so the database keeps the newest even when an older request, given up on,
// arrives after it (see the migration `answers_in_order`). Milliseconds, never going back: a page
// loaded later numbers on from where the clock is.
import type { SubmitFunction } from '@sveltejs/kit';

let last = 0;

/** The next number: now, or one past the last if the clock has not moved (or went back). */
export function nextSeq(now = Date.now()): number {
	last = Math.max(now, last + 1);
	return last;
}

/** Wraps a form's `use:enhance` so each send carries its number in the `seq` field. */
export function inOrder(submit: SubmitFunction = () => {}): SubmitFunction {
	return (input) => {
		input.formData.set('seq', String(nextSeq()));
		return submit(input);
	};
}
