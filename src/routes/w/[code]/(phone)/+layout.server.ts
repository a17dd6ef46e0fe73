import { snapshot } from '$lib/server/live';
import { phoneParticipant } from '$lib/server/phone';
import * as participants from '$lib/server/participants';
import { system } from '$lib/server/db';
import { error } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ params, cookies }) => {
	const participant = await phoneParticipant(cookies, params.code);
	const first = await snapshot(system(), participant.workshopId, 'participant');
	if (!first) error(404, 'This workshop no longer exists.');
	return {
		code: participant.joinCode,
		snapshot: first,
		displayName: participant.displayName,
		readyStages: await participants.readyStages(
			participants.asParticipant(system(), participant),
			participant
		)
	};
};
