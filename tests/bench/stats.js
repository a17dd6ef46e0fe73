// Latency summaries: nearest-rank percentiles over every sample (no sampling, no smoothing).

/**
 * @typedef {object} Summary
 * @property {number} n
 * @property {number | null} p50
 * @property {number | null} p95
 * @property {number | null} p99
 * @property {number | null} max
 */

/**
 * @param {number[]} samples milliseconds
 * @returns {Summary}
 */
export function summarize(samples) {
	const sorted = Float64Array.from(samples).sort();
	/** @param {number} p */
	const rank = (p) =>
		sorted.length ? round(sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0) : null;
	return {
		n: sorted.length,
		p50: rank(50),
		p95: rank(95),
		p99: rank(99),
		max: sorted.length ? round(sorted[sorted.length - 1] ?? 0) : null
	};
}

/** @param {number} x */
export function round(x) {
	return Math.round(x * 10) / 10;
}

/**
 * "p50 12.3 / p95 45.6 / p99 78.9 / max 99.1 ms (n=1234)"
 * @param {Summary} s
 */
export function describe(s) {
	if (!s.n) return 'no samples';
	return `p50 ${s.p50} / p95 ${s.p95} / p99 ${s.p99} / max ${s.max} ms (n=${s.n})`;
}
