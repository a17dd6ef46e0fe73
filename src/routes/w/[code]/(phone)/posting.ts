// How a phone's forms post with JavaScript. After a post the page reloads only its own data (what a
// post changes: the phone's mood, stories, reactions, ready marks…). The default would reload the
// layout too, rebuilding on the server a live snapshot this page throws away: it keeps the room
// current from the stream.
import { invalidate } from '$app/navigation';
import { PHONE_DATA } from '$lib/phoneData';
import type { ActionResult, SubmitFunction } from '@sveltejs/kit';

interface Reply {
	result: ActionResult;
	update: (options?: { reset?: boolean; invalidateAll?: boolean }) => Promise<void>;
}

/** Shows a post's answer, once the page's own data is reloaded if the post went through. */
export async function showAnswer({ result, update }: Reply, { reset = true } = {}): Promise<void> {
	if (result.type === 'success') await invalidate(PHONE_DATA);
	await update({ reset, invalidateAll: false });
}

/** For `use:enhance` on a phone's form: the answer, and the page's own data reloaded. */
export const reloadOwnData: SubmitFunction = () => (reply) => showAnswer(reply);

/** The same, leaving what is in the form's fields. */
export const reloadOwnDataKeepFields: SubmitFunction = () => (reply) => showAnswer(reply, { reset: false });
