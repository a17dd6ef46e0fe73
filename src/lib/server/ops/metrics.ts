// Prometheus metrics for /metrics (served only when METRICS_TOKEN is set): request durations, the
// live hub's streams, deltas and queue, the database pool, and Node's own (event-loop delay, memory).
import { AUDIENCES } from '$lib/live';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Database } from '../db';
import type { LiveHub } from '../realtime';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

const requestSeconds = new Histogram({
	name: 'cx_http_request_duration_seconds',
	help: 'Time to answer a request (for a live stream: to start it), by route',
	labelNames: ['method', 'route', 'status'] as const,
	buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
	registers: [registry]
});

/** Records one answered request (`route` is SvelteKit's route id, never the path: paths hold secrets). */
export function observeRequest(method: string, route: string | null, status: number, seconds: number): void {
	requestSeconds.observe({ method, route: route ?? 'none', status: String(status) }, seconds);
}

/** The hub and database the collectors read, once the server has started them. */
const sources: { hub?: LiveHub; db?: Database } = {};

export function readMetricsFrom(hub: LiveHub, db: Database): void {
	sources.hub = hub;
	sources.db = db;
}

new Gauge({
	name: 'cx_live_streams',
	help: 'Live streams open on this instance, by audience',
	labelNames: ['audience'] as const,
	registers: [registry],
	collect() {
		const stats = sources.hub?.stats();
		for (const audience of AUDIENCES) this.set({ audience }, stats?.streams[audience] ?? 0);
	}
});

new Gauge({
	name: 'cx_live_workshops',
	help: 'Workshops this instance listens to',
	registers: [registry],
	collect() {
		this.set(sources.hub?.stats().workshops ?? 0);
	}
});

new Gauge({
	name: 'cx_live_announcements_pending',
	help: 'Changes heard from the database and not yet sent to the streams',
	registers: [registry],
	collect() {
		this.set(sources.hub?.stats().pending ?? 0);
	}
});

let deltasCounted = 0;
new Counter({
	name: 'cx_live_deltas_sent_total',
	help: 'Deltas written to live streams (one per stream per delta)',
	registers: [registry],
	collect() {
		const sent = sources.hub?.stats().deltasSent ?? deltasCounted;
		// A restarted hub counts from zero again; a counter only goes up.
		if (sent > deltasCounted) this.inc(sent - deltasCounted);
		deltasCounted = sent;
	}
});

new Gauge({
	name: 'cx_db_pool_size',
	help: 'Connections this instance may hold to PostgreSQL (0 on the embedded database)',
	registers: [registry],
	collect() {
		this.set(sources.db?.pool?.size ?? 0);
	}
});

new Gauge({
	name: 'cx_db_operations',
	help: 'Database operations on the pool now, running or waiting for a connection',
	registers: [registry],
	collect() {
		this.set(sources.db?.pool?.busy() ?? 0);
	}
});
