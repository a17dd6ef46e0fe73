// Who reads a charter: a signed-in member (row policies then show what their organisation may
// see), or a participant of that workshop. Anyone else signs in first.
import { normaliseJoinCode } from '$lib/joinCode';
import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { charter, type Charter } from './charter';
import { system } from './db';
import { participantAccess } from './liveAccess';
import * as participants from './participants';

export async function readCharter({ params, locals, cookies, url }: RequestEvent): Promise<Charter> {
	const code = normaliseJoinCode(params.code ?? '');
	if (!code) error(404, 'That is not a workshop code.');
	let db = locals.member ? locals.db : null;
	if (!db) {
		const participant = await participantAccess(cookies, code);
		if (!participant) redirect(303, `/login?next=${encodeURIComponent(url.pathname)}`);
		db = participants.asParticipant(system(), participant);
	}
	const found = await charter(db, code);
	if (!found) error(404, 'No workshop with that code that you can see.');
	return found;
}
