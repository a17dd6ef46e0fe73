// The words the screen shows for a vote's options, and the rule of its count.
import type { VoteView } from '$lib/live';

/**
 * The text of each option of `vote`, by id. Until the server freezes the options' texts at the
 * reveal (`VoteView.labels`), these are the items' current texts.
 */
export function optionLabels(
	_vote: VoteView, // its frozen labels will come first: `vote.labels ?? …`
	items: readonly { id: string; text: string }[]
): Record<string, string> {
	return Object.fromEntries(items.map((item) => [item.id, item.text]));
}

/** How instant runoff counts, said on the screen's rounds view (tally.ts will say it once for all). */
export const RUNOFF_RULE =
	'Each round, every ballot counts for its highest choice still in the running. The option with the fewest votes is out, until one has more than half.';
