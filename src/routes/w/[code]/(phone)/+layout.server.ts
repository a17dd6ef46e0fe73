import { snapshot } from '$lib/server/liveState';
import { phone } from '$lib/server/phone';
import * as participants from '$lib/server/participants';
import { system } from '$lib/server/db';
import { error } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
	const { participant, db } = phone(event);
	const first = await snapshot(system(), participant.workshopId, 'participant');
	if (!first) error(404, 'This workshop no longer exists.');
	return {
		code: participant.joinCode,
		snapshot: first,
		displayName: participant.displayName,
		readyStages: await participants.readyStages(db, participant)
	};
};
