import { error, type RequestEvent } from '@sveltejs/kit';

/**
 * The address a request came from, as adapter-node sees it (behind a proxy it reads ADDRESS_HEADER
 * and XFF_DEPTH). A request that lacks the configured header did not come through the proxy: it
 * is refused with a clear 400 rather than failing as a server error.
 */
export function clientAddress(event: Pick<RequestEvent, 'getClientAddress'>): string {
	try {
		return event.getClientAddress();
	} catch {
		error(400, 'This request did not say which address it came from.');
	}
}
