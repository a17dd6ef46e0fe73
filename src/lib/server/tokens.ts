import { createHash, randomBytes, randomInt } from 'node:crypto';

/** An unguessable secret for a cookie or a link: 256 random bits, URL-safe. */
export function newToken(): string {
	return randomBytes(32).toString('base64url');
}

/** What the database stores instead of a secret, so a leaked table grants nothing. */
export function hashToken(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

export const randomIndex = (n: number) => randomInt(n);
