import { normaliseJoinCode } from '$lib/joinCode';
import { participantCookie, setSecretCookie } from '$lib/server/http/cookies';
import { system } from '$lib/server/db';
import * as participants from '$lib/server/participants';
import * as workshops from '$lib/server/workshops';
import { rejectForm } from '$lib/server/http/forms';
import { parseForm, text } from '$lib/validation';
import { error, redirect } from '@sveltejs/kit';
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

export const load: PageServerLoad = async ({ params, cookies, locals }) => {
	const code = codeOf(params.code);
	if (code !== params.code) redirect(308, `/j/${code}`);
	// Someone who already joined from this phone goes straight back in, as the same participant.
	const token = cookies.get(participantCookie(code));
	if (token && (await participants.forToken(system(), token))) redirect(303, `/w/${code}`);
	const workshop = await workshops.preview(locals.db, code);
	if (!workshop) error(404, 'No workshop has that code. Check the code on the screen.');
	return { code, workshop };
};

export const actions: Actions = {
	default: async ({ request, params, locals, cookies, url }) => {
		const code = codeOf(params.code);
		const parsed = parseForm(await request.formData(), Join);
		if (!parsed.ok) return rejectForm(400, parsed.errors, parsed.values);
		const name = parsed.data.anonymous ? null : parsed.data.display_name || null;
		try {
			const { token } = await participants.join(locals.db, code, name);
			setSecretCookie(cookies, url, participantCookie(code), token, PARTICIPANT_COOKIE_DAYS);
		} catch (err) {
			if (err instanceof participants.NoSuchWorkshopError) {
				return rejectForm(404, { form: err.message }, { display_name: parsed.data.display_name });
			}
			throw err;
		}
		redirect(303, `/w/${code}`);
	}
};
