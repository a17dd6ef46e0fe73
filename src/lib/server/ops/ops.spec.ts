import { describe, expect, it } from 'vitest';
import { logLevel } from './log';
import { requestId } from './requestId';

describe('the log level', () => {
	it('is what LOG_LEVEL asks for, in any case', () => {
		expect(logLevel('debug', true)).toBe('debug');
		expect(logLevel(' ERROR ', false)).toBe('error');
		expect(logLevel('silent', false)).toBe('silent');
	});

	it('is warn in a terminal and info elsewhere, when not asked or asked for something unknown', () => {
		expect(logLevel(undefined, true)).toBe('warn');
		expect(logLevel(undefined, false)).toBe('info');
		expect(logLevel('loud', false)).toBe('info');
	});
});

describe('a request id', () => {
	it("keeps a proxy's id that looks like one", () => {
		expect(requestId('0b6f1c7e-3d2a-4f55-9a61-2f0e8d1c5b7a')).toBe('0b6f1c7e-3d2a-4f55-9a61-2f0e8d1c5b7a');
		expect(requestId('lb-1701234567.123:abc')).toBe('lb-1701234567.123:abc');
	});

	it('makes a new one for none, or for anything that could forge a log line', () => {
		for (const given of [
			null,
			'',
			'short',
			'has spaces in it',
			'x'.repeat(129),
			'line\nbreak-injected',
			'{"req":"x"}'
		]) {
			expect(requestId(given)).toMatch(
				/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
			);
		}
	});
});
