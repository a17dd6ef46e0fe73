import { normaliseJoinCode } from '$lib/joinCode';
import { participantCookie } from '$lib/server/cookies';
import { asIdentity, system } from '$lib/server/db';
import * as participants from '$lib/server/participants';
import { error, redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, cookies }) => {
	const code = normaliseJoinCode(params.code);
	if (!code) error(404, 'That is not a workshop code.');
	const token = cookies.get(participantCookie(code));
	const participant = token ? await participants.forToken(system(), token) : null;
	if (!participant || participant.joinCode !== code) redirect(303, `/j/${code}`);

	const db = asIdentity(system(), { role: 'authenticated', sub: participant.id, kind: 'participant' });
	const [workshop] = await db.query<{ title: string; stage: string; status: string }>(
		`select title, stage, status from workshops where id = $1`,
		[participant.workshopId]
	);
	if (!workshop) error(404, 'This workshop no longer exists.');
	return { code, workshop, displayName: participant.displayName };
};
