// A live stream for tests below HTTP: records the events the hub writes, as a browser's EventSource
// would see them.
import type { Delta, Snapshot } from '$lib/live';
import type { Subscriber } from '$lib/server/realtime';

type Event = { event: string; data: Snapshot & Delta };

const decoder = new TextDecoder();
/** A stream of `audience` that records what it is sent; `stillAllowed` answers the hub when access changes. */
export function recorder(
	audience: Subscriber['audience'],
	participantId: string | null = null,
	stillAllowed: () => Promise<boolean> = async () => true
) {
	const events: Event[] = [];
	const state = { closed: false };
	const subscriber: Subscriber = {
		audience,
		participantId,
		write(chunk) {
			if (state.closed) return false;
			// One write may carry several events (the hub sends a round's deltas together).
			for (const match of decoder.decode(chunk).matchAll(/^event: (\w+)\ndata: (.*?)\n\n/gms)) {
				events.push({ event: match[1]!, data: JSON.parse(match[2]!) });
			}
			return true;
		},
		stillAllowed,
		close: () => (state.closed = true)
	};
	const deltas = () => events.filter((e) => e.event === 'delta').map((e) => e.data);
	const last = () => deltas().at(-1);
	/** The newest delta that carries `field` (a change can arrive as several announcements). */
	const lastWith = <K extends keyof Delta>(field: K) =>
		deltas().findLast((delta) => delta[field] !== undefined);
	return { subscriber, events, deltas, last, lastWith, state };
}
