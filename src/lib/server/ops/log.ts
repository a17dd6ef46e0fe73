// The server's log: one JSON line per event (pino), for a log collector to read. In a terminal
// (`npm start` on a laptop) it says only what needs attention; elsewhere each request gets a line too.
// LOG_LEVEL overrides either (trace, debug, info, warn, error, fatal, silent).
import pino from 'pino';

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);

/** The level asked for, else `warn` in a terminal and `info` elsewhere. */
export function logLevel(asked: string | undefined, terminal: boolean): string {
	const level = asked?.trim().toLowerCase();
	if (level && LEVELS.has(level)) return level;
	return terminal ? 'warn' : 'info';
}

export const log = pino({
	level: logLevel(process.env.LOG_LEVEL, Boolean(process.stdout.isTTY)),
	base: { pid: process.pid },
	formatters: { level: (label) => ({ level: label }) },
	timestamp: pino.stdTimeFunctions.isoTime
});
