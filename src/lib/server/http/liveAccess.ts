// Who may open a workshop's live stream, and as which audience. The audience decides what the
// stream carries (see live/), so it is settled here, once, from cookies and sign-in.
import type { Audience } from '$lib/live';
import type { Cookies } from '@sveltejs/kit';
import { participantCookie, screenCookie } from './cookies';
import { asIdentity, system } from '../db';
import type { Member } from '../accounts';
import * as participants from '../participants';
import * as workshops from '../workshops';

export interface LiveAccess {
	workshopId: string;
	audience: Audience;
	participantId: string | null;
}

export async function participantAccess(
	cookies: Cookies,
	joinCode: string
): Promise<participants.Participant | null> {
	const token = cookies.get(participantCookie(joinCode));
	const me = token ? await participants.forToken(system(), token) : null;
	return me && me.joinCode === joinCode ? me : null;
}

export async function facilitatorAccess(member: Member | null, joinCode: string): Promise<string | null> {
	if (!member) return null;
	const me = asIdentity(system(), { role: 'authenticated', sub: member.id, kind: 'member' });
	return (await workshops.forDriver(me, joinCode))?.id ?? null;
}

/** A screen opens with the facilitator's sign-in, or with the workshop's (revocable) screen link. */
export async function screenAccess(
	member: Member | null,
	cookies: Cookies,
	joinCode: string
): Promise<string | null> {
	const token = cookies.get(screenCookie(joinCode));
	return (
		(await facilitatorAccess(member, joinCode)) ??
		(token ? await workshops.forScreenLink(system(), joinCode, token) : null)
	);
}

export async function liveAccess(
	audience: string | null,
	member: Member | null,
	cookies: Cookies,
	joinCode: string
): Promise<LiveAccess | null> {
	if (audience === 'facilitator') {
		const workshopId = await facilitatorAccess(member, joinCode);
		return workshopId ? { workshopId, audience, participantId: null } : null;
	}
	if (audience === 'screen') {
		const workshopId = await screenAccess(member, cookies, joinCode);
		return workshopId ? { workshopId, audience, participantId: null } : null;
	}
	const me = await participantAccess(cookies, joinCode);
	return me ? { workshopId: me.workshopId, audience: 'participant', participantId: me.id } : null;
}
