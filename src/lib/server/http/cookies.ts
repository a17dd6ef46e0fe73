import type { Cookies } from '@sveltejs/kit';
import { openSession, SESSION_DAYS } from '../accounts';
import { system } from '../db';

export const SESSION_COOKIE = 'cx_session';
export const participantCookie = (joinCode: string) => `cx_p_${joinCode}`;
export const screenCookie = (joinCode: string) => `cx_screen_${joinCode}`;

/** httpOnly, SameSite=Lax, and Secure whenever the page itself came over HTTPS. */
export function setSecretCookie(cookies: Cookies, url: URL, name: string, value: string, maxAgeDays: number) {
	cookies.set(name, value, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: url.protocol === 'https:',
		maxAge: maxAgeDays * 24 * 60 * 60
	});
}

/** Signs `userId` in on this browser: a new session, its secret in the session cookie. */
export async function startSession(cookies: Cookies, url: URL, userId: string): Promise<void> {
	setSecretCookie(cookies, url, SESSION_COOKIE, await openSession(system(), userId), SESSION_DAYS);
}
