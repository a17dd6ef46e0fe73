// The words the screen shows for a vote's options.
import type { VoteView } from '$lib/live';

/**
 * The text of each option of `vote`, by id: as they were at the reveal once it is revealed (a cry
 * hidden or an obstacle merged since still reads as the room saw it), else the items' texts now.
 */
export function optionLabels(
	vote: VoteView | null,
	items: readonly { id: string; text: string }[]
): Record<string, string> {
	return { ...Object.fromEntries(items.map((item) => [item.id, item.text])), ...vote?.labels };
}
