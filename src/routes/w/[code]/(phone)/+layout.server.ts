import { snapshot } from '$lib/server/live';
import { phone } from '$lib/server/http/phone';
import { system } from '$lib/server/db';
import { error } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';

// The live snapshot a phone starts from. Nothing a phone posts reruns this: each page loads its own
// data (ready marks included) and reloads only that after a post; the stream keeps the room current.
export const load: LayoutServerLoad = async (event) => {
	const { participant } = phone(event);
	const first = await snapshot(system(), participant.workshopId, 'participant');
	if (!first) error(404, 'This workshop no longer exists.');
	return { code: participant.joinCode, snapshot: first, displayName: participant.displayName };
};
