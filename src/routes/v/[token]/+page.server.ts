// A personal vision opened from the link its writer kept: no account, no cookie, even after the
// workshop. The link is the permission (only its hash is stored).
import { system } from '$lib/server/db';
import * as personalVisions from '$lib/server/personalVisions';
import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => {
	const linked = await personalVisions.byLink(system(), params.token);
	if (!linked) error(404, 'This link does not open a vision any more: a newer one may have replaced it.');
	return { linked };
};
