// The Actions page's downloads for the signed-in member: the same query string as the page, or one
// action (`?id=`), as CSV or as a calendar.
import { error, type RequestEvent } from '@sveltejs/kit';
import { actionsCalendar, actionsCsv } from '../actionFiles';
import { listActions } from '../followUp';
import { parseActionQuery } from './actionQuery';
import { currentMembership } from './currentOrg';
import { isUuid } from '$lib/validation';

export async function actionsDownload(event: RequestEvent, format: 'csv' | 'ics'): Promise<Response> {
	const { locals, url } = event;
	const membership = locals.member && currentMembership(locals.member, url);
	if (!membership) error(404, 'No actions to download.');
	const id = url.searchParams.get('id');
	const filters = parseActionQuery(url.searchParams, locals.member!.id);
	const actions = await locals.db.transaction((tx) =>
		listActions(tx, membership.orgId, filters, isUuid(id) ? { ids: [id] } : {})
	);
	const name = `actions-${new Date().toISOString().slice(0, 10)}.${format}`;
	return new Response(format === 'csv' ? actionsCsv(actions) : actionsCalendar(actions, url.origin), {
		headers: {
			'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'text/calendar; charset=utf-8',
			'content-disposition': `attachment; filename="${name}"`,
			'cache-control': 'private, no-store'
		}
	});
}
