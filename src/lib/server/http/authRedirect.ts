import { safeNext } from './redirects';

/** `?next=…` for links between the sign-in pages, so each comes back to where sign-in was asked for. */
export function nextQuery(url: URL): string {
	const next = url.searchParams.get('next');
	return next ? `?next=${encodeURIComponent(safeNext(next))}` : '';
}

/**
 * Where Supabase sends a browser back to after a sign-in link or an OAuth provider: our callback,
 * always with the page to come back to, so an e-mail template may append `&token_hash=…`.
 * (Listed under the Supabase project's Redirect URLs.)
 */
export function callbackUrl(url: URL): string {
	return `${url.origin}/auth/callback?next=${encodeURIComponent(safeNext(url.searchParams.get('next')))}`;
}
