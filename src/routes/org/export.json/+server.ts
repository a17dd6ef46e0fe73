// All of the organisation's data an owner may read, as one JSON file (see orgExport.ts).
import { currentMembership } from '$lib/server/http/currentOrg';
import { NotAllowedError } from '$lib/server/organisations';
import { exportOrganisation } from '$lib/server/orgExport';
import { error, json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals, url }) => {
	const membership = currentMembership(locals.member!, url);
	if (!membership) error(404, 'You are not a member of any organisation yet.');
	try {
		const data = await exportOrganisation(locals.db, membership.orgId);
		const day = data.exportedAt.slice(0, 10);
		return json(data, {
			headers: {
				'content-disposition': `attachment; filename="cx-workshop-organisation-${day}.json"`,
				'cache-control': 'no-store'
			}
		});
	} catch (failure) {
		if (failure instanceof NotAllowedError) error(403, failure.message);
		throw failure;
	}
};
