import { currentMembership } from '$lib/server/http/currentOrg';
import * as workshops from '$lib/server/workshops';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const membership = currentMembership(locals.member!, url);
	return {
		membership,
		workshops: membership ? await workshops.list(locals.db, membership.orgId) : []
	};
};
