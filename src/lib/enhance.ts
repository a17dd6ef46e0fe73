import type { SubmitFunction } from '@sveltejs/kit';

/** For `use:enhance`: refresh the page after a post, but leave what is in the form's fields. */
export const keepFields: SubmitFunction =
	() =>
	async ({ update }) =>
		update({ reset: false });

/**
 * For `use:enhance` on a form whose answer is all the page needs (a ballot): show the answer but do
 * not reload the page's data, which the live stream keeps current. A phone voting with hundreds of
 * others spares the server a page load per ballot.
 */
export const keepData: SubmitFunction =
	() =>
	async ({ update }) =>
		update({ reset: false, invalidateAll: false });
