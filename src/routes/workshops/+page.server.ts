import { currentMembership } from '$lib/server/http/currentOrg';
import * as workshops from '$lib/server/workshops';
import { parseForm } from '$lib/validation';
import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';

const Delete = v.object({ id: v.pipe(v.string(), v.uuid('Unknown workshop.')) });

export const load: PageServerLoad = async ({ locals, url }) => {
	const membership = currentMembership(locals.member!, url);
	return {
		membership,
		workshops: membership ? await workshops.list(locals.db, membership.orgId) : []
	};
};

export const actions: Actions = {
	delete: async ({ locals, request }) => {
		const parsed = parseForm(await request.formData(), Delete);
		if (!parsed.ok) return fail(400, { error: parsed.errors.id ?? parsed.errors.form });
		const title = await workshops.remove(locals.db, parsed.data.id);
		if (!title) {
			return fail(403, {
				error:
					'That workshop could not be deleted: only its facilitators and the organisation’s owners may, and not while it runs.'
			});
		}
		return { deleted: title };
	}
};
