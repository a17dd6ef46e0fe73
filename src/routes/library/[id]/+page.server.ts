import * as library from '$lib/server/library';
import { rejectForm } from '$lib/server/http/forms';
import { parseForm } from '$lib/validation';
import { error } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Not a story of the caller's library (or no such story): the same 404, with no hint which.
function notFound(): never {
	error(404, 'No story with that address in your library.');
}

export const load: PageServerLoad = async ({ locals, params }) => {
	if (!UUID.test(params.id)) notFound();
	const found = await locals.db.transaction((tx) => library.story(tx, params.id));
	if (!found) notFound();
	return found;
};

const Feature = v.object({ featured: v.picklist(['yes', 'no']) });

export const actions: Actions = {
	feature: async ({ locals, params, request }) => {
		if (!UUID.test(params.id)) notFound();
		const parsed = parseForm(await request.formData(), Feature);
		if (!parsed.ok) return rejectForm(400, parsed.errors);
		const done = await library.setFeatured(locals.db, params.id, parsed.data.featured === 'yes');
		if (!done) return rejectForm(403, { form: 'You cannot feature this story.' });
		return { featured: parsed.data.featured === 'yes' };
	}
};
