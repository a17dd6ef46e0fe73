// Who reads a charter: a signed-in member (row policies then show what their organisation may
// see), or a participant of that workshop. Anyone else signs in first.
import { normaliseJoinCode } from '$lib/joinCode';
import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { charter, type Charter } from '../charter';

export async function readCharter({ params, locals, url }: RequestEvent): Promise<Charter> {
	const code = normaliseJoinCode(params.code ?? '');
	if (!code) error(404, 'That is not a workshop code.');
	// The phone's participant comes from the hooks, resolved from its cookie for this code.
	const db = locals.member ? locals.db : locals.participantDb;
	if (!db) redirect(303, `/login?next=${encodeURIComponent(url.pathname)}`);
	const found = await charter(db, code);
	if (!found) error(404, 'No workshop with that code that you can see.');
	return found;
}
