import type { SubmitFunction } from '@sveltejs/kit';

/** For `use:enhance`: refresh the page after a post, but leave what is in the form's fields. */
export const keepFields: SubmitFunction =
	() =>
	async ({ update }) =>
		update({ reset: false });
