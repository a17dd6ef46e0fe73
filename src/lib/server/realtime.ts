// The realtime hub of one app instance. It LISTENs on the channel of each workshop someone is
// watching, turns each announced change into one delta per audience (read under that audience's
// view, computed and encoded once, not once per client) and writes it to every Server-Sent Events
// stream of that audience. Several instances on one PostgreSQL each hear every change, so they all
// show the same state.
import {
	AUDIENCES,
	changesNothing,
	follows,
	type Audience,
	type Delta,
	type Presence,
	type Snapshot,
	type StreamEnded
} from '$lib/live';
import type { Database } from './db';
import { log } from './ops/log';
import { connectedCount, deltasFor, snapshot, viewOf, type Announcement } from './live';

export interface Subscriber {
	audience: Audience;
	/** The participant behind a phone's stream (for presence), else null. */
	participantId: string | null;
	/** Writes encoded SSE text; returns false once the stream has gone. */
	write(chunk: Uint8Array): boolean;
	/** Whether the access the stream was opened with still holds; asked whenever access changes. */
	stillAllowed(): Promise<boolean>;
	/** Ends the stream (after what was written). */
	close(): void;
}

export interface HubStats {
	/** Workshops this instance listens to. */
	workshops: number;
	streams: Record<Audience, number>;
	/** Announcements heard and not yet sent. */
	pending: number;
	deltasSent: number;
}

/** A snapshot as read and the deltas its audience was sent after it: together, the state now. */
interface Cached {
	chunks: Uint8Array[];
	bytes: number;
	/** The version a client is at once it has applied them all. */
	version: number;
}

/** Past this, a cached snapshot is read again rather than followed by its deltas. */
const CACHED_MAX_BYTES = 512 * 1024;

/** Versions whose deltas changed nothing for an audience, not sent to it yet. */
interface Held {
	since: number;
	version: number;
}

interface Watched {
	subscribers: Set<Subscriber>;
	/** Subscribers whose snapshot has not gone out yet: no delta may reach them before it. */
	awaitingSnapshot: Set<Subscriber>;
	unlisten: Promise<() => Promise<void>>;
	/** Announcements heard and not yet sent, in the order they were made. */
	pending: Announcement[];
	/** The held versions are due to be told (the tick came). */
	tickDue: boolean;
	/**
	 * The one loop sending this workshop's deltas and snapshots, while there is work: one at a time,
	 * so deltas leave in version order and a snapshot never overtakes a delta it does not hold.
	 */
	draining: Promise<void> | null;
	lastPresence: number;
	held: Partial<Record<Audience, Held>>;
	/**
	 * Each audience's snapshot as last read, with what that audience was sent since: a snapshot is
	 * the same for every stream of an audience, so a room reconnecting at once (a restart, the
	 * Wi-Fi) reads one, even while changes keep coming.
	 */
	snapshots: Partial<Record<Audience, Cached>>;
	/** Sends the held versions as one bare delta a while after the first was held. */
	tickTimer: NodeJS.Timeout | null;
}

export const PING_MS = 20_000;
export const PRESENCE_MS = 5_000;
export const SEEN_MS = 15_000;
/**
 * How long versions that changed nothing for an audience may wait before it hears of them. Phones
 * see none of a vote's ballots, so 500 phones in a vote at 50 ballots a second get one bare delta
 * a second instead of 25,000 writes a second for nothing.
 */
export const TICK_MS = 1_000;
/** How long a new stream's phone may wait to be marked seen (with the others arriving meanwhile). */
const ARRIVALS_MS = 250;

const encoder = new TextEncoder();

/** What a stream says as it ends because its access did. */
export const ACCESS_ENDED: Record<Audience, string> = {
	screen:
		'This screen can no longer show the workshop: its screen link was turned off, or the access it was opened with has ended. Ask the facilitator for a new screen link.',
	facilitator: 'You no longer facilitate this workshop, so its live updates have stopped.',
	participant: 'You were removed from this workshop.'
};

export function sseEvent(
	event: 'snapshot' | 'delta' | 'presence' | 'ended',
	data: Snapshot | Delta | Presence | StreamEnded
): Uint8Array {
	return encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

export class LiveHub {
	private readonly watched = new Map<string, Watched>();
	private readonly timers: NodeJS.Timeout[] = [];
	/** Phones whose stream just started, to be marked seen together. */
	private readonly arrivals = new Set<string>();
	private arrivalsTimer: NodeJS.Timeout | null = null;
	/** Deltas written to streams since start (one per stream per delta). */
	private deltasSent = 0;

	constructor(
		private readonly db: Database,
		private readonly tickMs = TICK_MS
	) {
		const ping = encoder.encode(': ping\n\n');
		this.timers.push(
			setInterval(() => this.broadcastRaw(ping), PING_MS),
			setInterval(() => void this.markSeen().catch(logError), SEEN_MS),
			setInterval(() => void this.sendPresence().catch(logError), PRESENCE_MS)
		);
		for (const timer of this.timers) timer.unref();
	}

	/** Starts a stream: the snapshot first, then every delta. Returns the unsubscribe function. */
	async subscribe(workshopId: string, subscriber: Subscriber): Promise<() => void> {
		const watched = this.watch(workshopId);
		watched.subscribers.add(subscriber);
		watched.awaitingSnapshot.add(subscriber);
		await watched.unlisten; // listening before the snapshot is read, so nothing falls in between
		// The snapshot goes out from the drain, in order with the deltas around it: those sent before
		// it are already in it.
		while (watched.awaitingSnapshot.has(subscriber) && this.watched.get(workshopId) === watched) {
			await this.drain(workshopId, watched);
		}
		if (subscriber.participantId) this.markArrived(subscriber.participantId);
		return () => this.unsubscribe(workshopId, subscriber);
	}

	/** What this instance's hub holds and has done (health and metrics). */
	stats(): HubStats {
		const streams: Record<Audience, number> = { screen: 0, facilitator: 0, participant: 0 };
		let pending = 0;
		for (const watched of this.watched.values()) {
			pending += watched.pending.length;
			for (const subscriber of watched.subscribers) streams[subscriber.audience]++;
		}
		return { workshops: this.watched.size, streams, pending, deltasSent: this.deltasSent };
	}

	/** Ends every stream (its browser reconnects, to another instance if there is one) and stops listening. */
	async close(): Promise<void> {
		for (const timer of this.timers) clearInterval(timer);
		if (this.arrivalsTimer) clearTimeout(this.arrivalsTimer);
		const all = [...this.watched.values()];
		this.watched.clear();
		for (const watched of all) {
			if (watched.tickTimer) clearTimeout(watched.tickTimer);
			for (const subscriber of watched.subscribers) subscriber.close();
		}
		await Promise.all(all.map(async (watched) => (await watched.unlisten)()));
	}

	private watch(workshopId: string): Watched {
		let watched = this.watched.get(workshopId);
		if (!watched) {
			const channel = `workshop_${workshopId.replaceAll('-', '')}`;
			const entry: Watched = {
				subscribers: new Set(),
				awaitingSnapshot: new Set(),
				unlisten: this.db.listen(channel, (payload) => this.onAnnouncement(workshopId, entry, payload)),
				pending: [],
				tickDue: false,
				draining: null,
				lastPresence: -1,
				held: {},
				snapshots: {},
				tickTimer: null
			};
			watched = entry;
			this.watched.set(workshopId, watched);
		}
		return watched;
	}

	private unsubscribe(workshopId: string, subscriber: Subscriber): void {
		const watched = this.watched.get(workshopId);
		if (!watched) return;
		watched.subscribers.delete(subscriber);
		watched.awaitingSnapshot.delete(subscriber);
		if (watched.subscribers.size === 0) {
			this.watched.delete(workshopId);
			if (watched.tickTimer) clearTimeout(watched.tickTimer);
			void watched.unlisten.then((unlisten) => unlisten()).catch(logError);
		}
	}

	/**
	 * Runs the workshop's drain unless it is running, and returns it. Whatever piled up while the last
	 * round was busy goes out together: all the announcements heard (one write per stream for all
	 * their deltas), then the snapshots every new stream is waiting for (one read per audience). So
	 * the work per round stays bounded however fast changes and reconnects arrive.
	 */
	private drain(workshopId: string, watched: Watched): Promise<void> {
		watched.draining ??= this.rounds(workshopId, watched);
		return watched.draining;
	}

	private async rounds(workshopId: string, watched: Watched): Promise<void> {
		await null; // so drain() has recorded this loop before it can end
		try {
			while (watched.pending.length || watched.tickDue || watched.awaitingSnapshot.size) {
				const changes = watched.pending.splice(0);
				if (changes.length) {
					await this.announce(workshopId, watched, changes).catch((error: unknown) => {
						watched.snapshots = {}; // they may lack this round's changes: read anew
						logError(error, workshopId);
					});
				}
				if (watched.tickDue) {
					watched.tickDue = false;
					this.sendHeld(watched);
				}
				if (watched.awaitingSnapshot.size) await this.sendSnapshots(workshopId, watched);
			}
		} finally {
			watched.draining = null; // at once after the last check: work arriving later starts a new loop
		}
	}

	private onAnnouncement(workshopId: string, watched: Watched, payload: string): void {
		const change = JSON.parse(payload) as Announcement;
		if (change.what === 'access') {
			void this.recheckAccess(workshopId, watched, change.ref).catch(logFor(workshopId));
			return;
		}
		watched.pending.push(change);
		void this.drain(workshopId, watched);
	}

	/** Sends each watching audience its deltas for these announcements, in order, as one write per stream. */
	private async announce(workshopId: string, watched: Watched, changes: Announcement[]): Promise<void> {
		// Only the audiences someone here watches as are read: no panel open, no facilitator delta.
		const watchedAs = new Set([...watched.subscribers].map((subscriber) => subscriber.audience));
		const watching = AUDIENCES.filter((audience) => watchedAs.has(audience));
		// An audience nobody watches gets no deltas, so its snapshot would fall behind: read it anew.
		for (const audience of AUDIENCES) if (!watchedAs.has(audience)) delete watched.snapshots[audience];
		const read = (audience: Audience) => deltasFor(this.db, workshopId, changes, audience);
		// On PostgreSQL the audiences' reads run side by side on the pool (each is a few round trips,
		// and the round waits for them). PGlite runs one at a time: there each audience's deltas leave
		// as soon as they are read, so phones do not wait for the screen's.
		const early = this.db.engine === 'postgres' ? watching.map(read) : [];
		for (const pending of early) void pending.catch(() => {}); // each failure is handled below, for its audience
		for (const [i, audience] of watching.entries()) {
			let deltas: Delta[] | null;
			try {
				deltas = await (early[i] ?? read(audience));
			} catch (error) {
				logError(error, workshopId);
				this.restart(workshopId, watched, audience);
				continue;
			}
			if (!deltas) return; // the workshop is gone
			const sent = deltas.flatMap((delta) => this.outgoing(workshopId, watched, audience, delta) ?? []);
			if (sent.length === 0) continue;
			const text = Buffer.concat(sent.map((delta) => sseEvent('delta', delta)));
			const streams = this.fanOut(watched, (subscriber) => (subscriber.audience === audience ? text : null));
			this.deltasSent += streams * sent.length;
			// A stream starting after a stage change gets a snapshot read anew, so its page never passes
			// through the earlier stage on its way to this one.
			if (sent.some((delta) => delta.workshop)) delete watched.snapshots[audience];
			else this.afterSnapshot(watched, audience, text, sent);
			// The phones are the many: let their streams flush before the next read holds the event loop.
			if (audience === 'participant') await new Promise((resolve) => setImmediate(resolve));
		}
	}

	/** Sends every waiting stream its audience's snapshot: one read per audience, shared. */
	private async sendSnapshots(workshopId: string, watched: Watched): Promise<void> {
		const waiting = [...watched.awaitingSnapshot];
		const missing = [...new Set(waiting.map((subscriber) => subscriber.audience))].filter(
			(audience) => !watched.snapshots[audience]
		);
		const read = async (audience: Audience) => {
			try {
				const first = await snapshot(this.db, workshopId, audience);
				if (!first) return; // the workshop is gone
				const chunk = sseEvent('snapshot', first);
				watched.snapshots[audience] = { chunks: [chunk], bytes: chunk.byteLength, version: first.version };
			} catch (error) {
				logError(error, workshopId);
			}
		};
		if (this.db.engine === 'postgres') await Promise.all(missing.map(read));
		else for (const audience of missing) await read(audience);
		const texts = new Map<Audience, Uint8Array>();
		for (const subscriber of waiting) {
			watched.awaitingSnapshot.delete(subscriber);
			const cached = watched.snapshots[subscriber.audience];
			if (!cached) {
				// Its read failed (or the workshop is gone): its client comes back and asks again.
				this.end(workshopId, watched, subscriber);
				continue;
			}
			let text = texts.get(subscriber.audience);
			if (!text) texts.set(subscriber.audience, (text = Buffer.concat(cached.chunks)));
			subscriber.write(text);
		}
	}

	/**
	 * An audience's deltas could not be read: its streams missed versions, and might hear of nothing
	 * after them for a long while. They end, and their clients come back to a snapshot read anew.
	 */
	private restart(workshopId: string, watched: Watched, audience: Audience): void {
		delete watched.snapshots[audience];
		delete watched.held[audience];
		for (const subscriber of watched.subscribers) {
			if (subscriber.audience === audience && !watched.awaitingSnapshot.has(subscriber))
				this.end(workshopId, watched, subscriber);
		}
	}

	private end(workshopId: string, watched: Watched, subscriber: Subscriber): void {
		subscriber.close();
		if (this.watched.get(workshopId) === watched) this.unsubscribe(workshopId, subscriber);
		else watched.subscribers.delete(subscriber);
	}

	/**
	 * Someone's access ended (`who`: a participant or member; null for the screen link): the streams
	 * it may concern ask again, and those refused are told why and closed. Phones are asked only
	 * when the announcement names them, so revoking a screen link costs no query per phone.
	 */
	private async recheckAccess(workshopId: string, watched: Watched, who: string | null): Promise<void> {
		const concerned = [...watched.subscribers].filter((subscriber) =>
			subscriber.participantId ? subscriber.participantId === who : true
		);
		const refused = (
			await Promise.all(
				concerned.map(async (subscriber) => ((await subscriber.stillAllowed()) ? [] : [subscriber]))
			)
		).flat();
		for (const subscriber of refused) {
			subscriber.write(sseEvent('ended', { reason: ACCESS_ENDED[subscriber.audience] }));
			this.end(workshopId, watched, subscriber);
		}
	}

	/**
	 * What to send an audience for its delta: nothing yet if the delta changes nothing it sees
	 * (the version is held, and told with the next delta or at the next tick), else the delta, which
	 * then also covers the versions held before it (`since`).
	 */
	private outgoing(workshopId: string, watched: Watched, audience: Audience, delta: Delta): Delta | null {
		const held = watched.held[audience];
		// Only an unbroken run of versions can be covered; after a gap, clients resync anyway.
		const since = held && held.version === delta.version - 1 ? held.since : undefined;
		if (changesNothing(delta)) {
			watched.held[audience] = { since: since ?? delta.version - 1, version: delta.version };
			watched.tickTimer ??= setTimeout(() => {
				watched.tickTimer = null;
				watched.tickDue = true;
				void this.drain(workshopId, watched);
			}, this.tickMs);
			return null;
		}
		delete watched.held[audience];
		return since === undefined ? delta : { ...delta, since };
	}

	/**
	 * Keeps what an audience was just sent (`text`, encoding `sent`) with its cached snapshot, or drops
	 * one grown too long — or one these deltas do not follow: a stream started from it would notice
	 * the gap and start over, from it again, for ever.
	 */
	private afterSnapshot(watched: Watched, audience: Audience, text: Uint8Array, sent: Delta[]): void {
		const cached = watched.snapshots[audience];
		if (!cached) return;
		for (const delta of sent) {
			if (!follows(delta, cached.version)) {
				delete watched.snapshots[audience];
				return;
			}
			cached.version = Math.max(cached.version, delta.version);
		}
		cached.chunks.push(text);
		cached.bytes += text.byteLength;
		if (cached.bytes > CACHED_MAX_BYTES) delete watched.snapshots[audience];
	}

	/** Tells each audience of the versions held for it, in one bare delta. */
	private sendHeld(watched: Watched): void {
		const serverNow = new Date().toISOString();
		const ticks = new Map<Audience, { tick: Delta; chunk: Uint8Array }>();
		for (const [audience, held] of Object.entries(watched.held) as [Audience, Held][]) {
			const tick = { version: held.version, since: held.since, serverNow };
			ticks.set(audience, { tick, chunk: sseEvent('delta', tick) });
		}
		watched.held = {};
		if (ticks.size === 0) return;
		this.deltasSent += this.fanOut(watched, (subscriber) => ticks.get(subscriber.audience)?.chunk ?? null);
		for (const [audience, { tick, chunk }] of ticks) this.afterSnapshot(watched, audience, chunk, [tick]);
	}

	/** Writes to every stream that has had its snapshot; returns how many were written to. */
	private fanOut(watched: Watched, text: (subscriber: Subscriber) => Uint8Array | null): number {
		let written = 0;
		for (const subscriber of watched.subscribers) {
			if (watched.awaitingSnapshot.has(subscriber)) continue;
			const chunk = text(subscriber);
			if (!chunk) continue;
			if (subscriber.write(chunk)) written++;
			else watched.subscribers.delete(subscriber);
		}
		return written;
	}

	private broadcastRaw(chunk: Uint8Array): void {
		for (const watched of this.watched.values()) this.fanOut(watched, () => chunk);
	}

	/** Marks a phone whose stream started as seen soon: a room coming back at once is one statement. */
	private markArrived(participantId: string): void {
		this.arrivals.add(participantId);
		this.arrivalsTimer ??= setTimeout(() => {
			this.arrivalsTimer = null;
			const ids = [...this.arrivals];
			this.arrivals.clear();
			void this.markSeen(ids).catch(logError);
		}, ARRIVALS_MS);
	}

	/** Marks this instance's connected phones as seen, in one statement, so every instance can count them. */
	private async markSeen(ids?: string[]): Promise<void> {
		const seen =
			ids ??
			[...this.watched.values()].flatMap((watched) =>
				[...watched.subscribers].flatMap((subscriber) => subscriber.participantId ?? [])
			);
		if (seen.length === 0) return;
		await this.db.query(`update participants set last_seen_at = now() where id = any ($1::uuid[])`, [seen]);
	}

	/** Tells facilitators how many phones are connected, when that number changes. */
	private async sendPresence(): Promise<void> {
		for (const [workshopId, watched] of this.watched) {
			if (![...watched.subscribers].some((subscriber) => subscriber.audience === 'facilitator')) continue;
			const connected = await connectedCount(viewOf(this.db, workshopId, 'facilitator'), workshopId);
			if (connected === watched.lastPresence) continue;
			watched.lastPresence = connected;
			const chunk = sseEvent('presence', { connected });
			this.fanOut(watched, (subscriber) => (subscriber.audience === 'facilitator' ? chunk : null));
		}
	}
}

function logError(error: unknown, workshopId?: string): void {
	log.error({ err: error, workshop: workshopId }, 'live updates failed');
}

const logFor = (workshopId: string) => (error: unknown) => logError(error, workshopId);

let current: LiveHub | undefined;

/** This instance's hub, started with the database at start-up. */
export function liveHub(): LiveHub {
	if (!current) throw new Error('Live updates are not running yet');
	return current;
}

export function startLiveHub(db: Database): LiveHub {
	current = new LiveHub(db);
	return current;
}

export async function stopLiveHub(): Promise<void> {
	const hub = current;
	current = undefined;
	await hub?.close();
}
