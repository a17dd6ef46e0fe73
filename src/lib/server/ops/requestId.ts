import { randomUUID } from 'node:crypto';

/** A proxy's request id is kept when it looks like one (so lines match across both logs). */
const FROM_PROXY = /^[\w.:-]{8,128}$/;

/** The id of a request: the one its proxy gave it (`x-request-id`), else a new one. */
export function requestId(fromProxy: string | null): string {
	return fromProxy && FROM_PROXY.test(fromProxy) ? fromProxy : randomUUID();
}
