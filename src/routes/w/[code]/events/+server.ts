// The live stream of a workshop, as Server-Sent Events: a snapshot, then small versioned deltas.
// One stream per tab; `?as=screen` or `?as=facilitator` asks for those views, else a phone's.
import { normaliseJoinCode } from '$lib/joinCode';
import { liveAccess } from '$lib/server/http/liveAccess';
import { liveHub } from '$lib/server/realtime';
import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

// A client this far behind is dropped; it reconnects and resyncs from a fresh snapshot.
const MAX_BUFFERED_BYTES = 512 * 1024;
/** When a stream drops, its browser comes back 1–3 s later: spread, so a room does not come back at once. */
const reconnectAfter = () =>
	new TextEncoder().encode(`retry: ${1000 + Math.floor(Math.random() * 2000)}\n\n`);

export const GET: RequestHandler = async ({ params, url, cookies, locals }) => {
	const code = normaliseJoinCode(params.code);
	const asked = url.searchParams.get('as');
	const access = code && (await liveAccess(asked, locals.member, cookies, code));
	if (!code || !access) error(403, 'Join the workshop (or sign in as its facilitator) to follow it live.');
	// Asked again whenever the database announces that some access to this workshop ended.
	const stillAllowed = async () => {
		const now = await liveAccess(asked, locals.member, cookies, code);
		return now?.workshopId === access.workshopId && now.audience === access.audience;
	};

	let unsubscribe: (() => void) | undefined;
	const stream = new ReadableStream<Uint8Array>({
		async start(controller) {
			let open = true;
			const close = () => {
				if (!open) return;
				open = false;
				try {
					controller.close();
				} catch {
					// the client had already gone
				}
			};
			const write = (chunk: Uint8Array) => {
				if (!open) return false;
				if ((controller.desiredSize ?? 0) < -MAX_BUFFERED_BYTES) {
					close();
					return false;
				}
				try {
					controller.enqueue(chunk);
					return true;
				} catch {
					open = false; // the client went away between two writes
					return false;
				}
			};
			write(reconnectAfter());
			unsubscribe = await liveHub().subscribe(access.workshopId, {
				audience: access.audience,
				participantId: access.participantId,
				write,
				stillAllowed,
				close
			});
		},
		cancel() {
			unsubscribe?.();
		}
	});
	return new Response(stream, {
		headers: {
			'content-type': 'text/event-stream; charset=utf-8',
			'cache-control': 'no-cache, no-transform',
			'x-accel-buffering': 'no'
		}
	});
};
