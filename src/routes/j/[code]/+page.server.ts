import { normaliseJoinCode } from '$lib/joinCode';
import { participantCookie, setSecretCookie } from '$lib/server/http/cookies';
import { system } from '$lib/server/db';
import * as participants from '$lib/server/participants';
import * as workshops from '$lib/server/workshops';
import { rejectForm } from '$lib/server/http/forms';
import { NO_WORKSHOP, refusedGuess } from '$lib/server/http/joinGuess';
import { parseForm, text } from '$lib/validation';
import { error, redirect, type Cookies } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';

const PARTICIPANT_COOKIE_DAYS = 60;
const Join = v.object({
	display_name: v.optional(v.union([v.literal(''), text('Your name', 1, 40)]), ''),
	anonymous: v.optional(v.literal('on'))
});

function codeOf(raw: string) {
	const code = normaliseJoinCode(raw);
	if (!code) error(404, 'That is not a workshop code. A code has six letters or digits.');
	return code;
}

/** A phone the facilitator removed is told so, rather than offered to join again. */
async function refuseRemoved(cookies: Cookies, code: string) {
	const token = cookies.get(participantCookie(code));
	if (token && (await participants.wasRemoved(system(), token, code))) error(403, participants.REMOVED);
}

export const load: PageServerLoad = async (event) => {
	const { params, cookies, locals } = event;
	const code = codeOf(params.code);
	if (code !== params.code) redirect(308, `/j/${code}`);
	// Someone who already joined from this phone goes straight back in, as the same participant
	// (also once the workshop has ended: its charter stays theirs).
	const token = cookies.get(participantCookie(code));
	if (token && (await participants.forToken(system(), token))) redirect(303, `/w/${code}`);
	await refuseRemoved(cookies, code);
	// An ended workshop answers like an unknown code: it neither says it exists nor lets anyone in.
	const refused = await refusedGuess(event, code);
	if (refused) error(refused.status, refused.message);
	const workshop = await workshops.preview(locals.db, code);
	if (!workshop) error(404, NO_WORKSHOP);
	return { code, workshop };
};

export const actions: Actions = {
	default: async (event) => {
		const { request, params, locals, cookies, url } = event;
		const code = codeOf(params.code);
		await refuseRemoved(cookies, code);
		const parsed = parseForm(await request.formData(), Join);
		const values = {
			display_name: parsed.ok ? parsed.data.display_name : (parsed.values.display_name ?? '')
		};
		const refused = await refusedGuess(event, code);
		if (refused) return rejectForm(refused.status, { form: refused.message }, values);
		if (!parsed.ok) return rejectForm(400, parsed.errors, parsed.values);
		const name = parsed.data.anonymous ? null : parsed.data.display_name || null;
		try {
			const { token } = await participants.join(locals.db, code, name);
			setSecretCookie(cookies, url, participantCookie(code), token, PARTICIPANT_COOKIE_DAYS);
		} catch (err) {
			if (err instanceof participants.NoSuchWorkshopError)
				return rejectForm(404, { form: NO_WORKSHOP }, values);
			if (err instanceof participants.JoiningClosedError)
				return rejectForm(409, { form: err.message }, values);
			throw err;
		}
		redirect(303, `/w/${code}`);
	}
};
