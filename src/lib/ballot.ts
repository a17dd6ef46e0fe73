// A phone's own ballot, as its page knows it: from the page's data, or from the answer to casting it
// (the phone does not reload its page after voting; the live stream keeps the rest current).

export interface MyBallot {
	voteId: string;
	choices: string[];
}

// One empty ballot for every call, so a page that recomputes its ballot on a live update hands the
// ballot's fields the same array, and they keep what the person has tapped so far.
const NONE: readonly string[] = Object.freeze([]);

/** The choices of the first known ballot that is on `voteId` (pass the newest first), else none. */
export function choicesOn(
	voteId: string | undefined,
	...known: (MyBallot | null | undefined)[]
): readonly string[] {
	return known.find((ballot) => ballot && ballot.voteId === voteId)?.choices ?? NONE;
}
