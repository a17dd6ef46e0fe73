// The Actions page's query string (shared by its CSV and calendar downloads). Anything that does not
// parse is left out rather than refused, so an old or hand-edited link still opens.
import { ACTION_STATUSES, type ActionStatus } from '$lib/actionStatus';
import type { ActionFilters } from '../followUp';
import { isStorableText, isUuid } from '$lib/validation';

const uuid = (value: string | null) => (isUuid(value) ? value : null);

/** `owner=me` is the signed-in member: a link that means the same to whoever opens it. */
export function parseActionQuery(params: URLSearchParams, me: string): ActionFilters {
	const team = params.get('team')?.trim() ?? '';
	const status = params.get('status') as ActionStatus | null;
	const owner = params.get('owner');
	return {
		team: team && team.length <= 120 && isStorableText(team) ? team : null,
		workshop: uuid(params.get('workshop')),
		owner: owner === 'me' ? me : uuid(owner),
		status: status && ACTION_STATUSES.includes(status) ? status : null
	};
}
