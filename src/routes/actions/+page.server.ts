import { ACTION_STATUSES } from '$lib/actionStatus';
import { assignOwner, listActions, updateAction } from '$lib/server/followUp';
import { parseActionQuery } from '$lib/server/http/actionQuery';
import { currentMembership } from '$lib/server/http/currentOrg';
import { rejectForm } from '$lib/server/http/forms';
import * as library from '$lib/server/library';
import * as organisations from '$lib/server/organisations';
import { isUuid, parseForm, text } from '$lib/validation';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';

const rowId = (message: string) =>
	v.pipe(
		v.string(),
		v.check((value: string) => isUuid(value), message)
	);
const Update = v.object({
	id: rowId('Choose an action.'),
	status: v.picklist(ACTION_STATUSES, 'Choose a status.'),
	note: v.optional(v.union([v.literal(''), text('The note', 1, 500)]), '')
});
const Owner = v.object({
	id: rowId('Choose an action.'),
	owner: v.union([v.literal(''), rowId('Choose a member.')])
});

export const load: PageServerLoad = async ({ locals, url }) => {
	const membership = currentMembership(locals.member!, url);
	const filters = parseActionQuery(url.searchParams, locals.member!.id);
	if (!membership) return { membership, filters, actions: [], teams: [], workshops: [], members: [] };
	return locals.db.transaction(async (tx) => {
		const facets = await library.facets(tx, membership.orgId, filters.workshop ?? undefined);
		return {
			membership,
			filters,
			actions: await listActions(tx, membership.orgId, filters),
			teams: facets.teams,
			workshops: facets.workshops,
			members: await organisations.members(tx, membership.orgId)
		};
	});
};

/** An update refused by the database, as the form says it. */
async function attempt(work: () => Promise<void>, saved: string) {
	try {
		await work();
	} catch (error) {
		if (error instanceof organisations.NotAllowedError) return rejectForm(403, { form: error.message });
		throw error;
	}
	return { saved };
}

export const actions: Actions = {
	update: async (event) => {
		const form = parseForm(await event.request.formData(), Update);
		if (!form.ok) return rejectForm(400, form.errors, form.values);
		const { id, status, note } = form.data;
		return attempt(() => updateAction(event.locals.db, id, { status, note: note || null }), 'Update saved.');
	},
	owner: async (event) => {
		const form = parseForm(await event.request.formData(), Owner);
		if (!form.ok) return rejectForm(400, form.errors, form.values);
		return attempt(() => assignOwner(event.locals.db, form.data.id, form.data.owner || null), 'Owner saved.');
	}
};
