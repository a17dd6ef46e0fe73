import { normaliseJoinCode } from '$lib/joinCode';
import { screenCookie, setSecretCookie } from '$lib/server/http/cookies';
import { system } from '$lib/server/db';
import { joinUrl, qrSvg } from '$lib/server/http/joinLink';
import { screenAccess } from '$lib/server/http/liveAccess';
import { snapshot } from '$lib/server/live';
import * as workshops from '$lib/server/workshops';
import { error, redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, url, cookies, locals }) => {
	const code = normaliseJoinCode(params.code);
	if (!code) error(404, 'That is not a workshop code.');

	// A screen link (`?key=…`) is swapped for a cookie at once, so the secret leaves the address bar.
	const key = url.searchParams.get('key');
	if (key) {
		if (!(await workshops.forScreenLink(system(), code, key))) {
			error(403, 'This screen link has been replaced or revoked. Ask the facilitator for the current one.');
		}
		setSecretCookie(cookies, url, screenCookie(code), key, 2);
		redirect(303, `/w/${code}/screen${url.searchParams.has('preview') ? '?preview' : ''}`);
	}

	const workshopId = await screenAccess(locals.member, cookies, code);
	if (!workshopId) error(403, "Open the screen from the facilitator's control panel, or with a screen link.");
	const first = await snapshot(system(), workshopId, 'screen');
	if (!first) error(404, 'This workshop no longer exists.');
	const join = joinUrl(url, code);
	// `?preview`: the control panel's small live copy of the screen (no tools, never a sound).
	const preview = url.searchParams.has('preview');
	return { code, snapshot: first, joinUrl: join, qr: await qrSvg(join), preview };
};
