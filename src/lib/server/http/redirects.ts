/** Only same-site paths may be redirect targets after sign-in (no `//evil.example`). */
export function safeNext(next: string | null, fallback = '/workshops'): string {
	return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : fallback;
}
