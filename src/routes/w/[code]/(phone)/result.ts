// The full view of a vote's result, fetched once per phone: when a vote opens (so it is there by the
// reveal), or at the reveal itself.
import type VoteResult from '$lib/components/votes/VoteResult.svelte';

let loading: Promise<typeof VoteResult> | null = null;

export function preloadResult(): Promise<typeof VoteResult> {
	loading ??= import('$lib/components/votes/VoteResult.svelte').then((module) => module.default);
	return loading;
}
