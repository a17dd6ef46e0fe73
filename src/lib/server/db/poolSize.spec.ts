import { describe, expect, it } from 'vitest';
import { poolSize } from './index';

describe('DATABASE_POOL_SIZE', () => {
	it('is 10 unless set', () => {
		expect(poolSize(undefined)).toBe(10);
		expect(poolSize('')).toBe(10);
	});

	it('takes a whole number from 2 to 1000', () => {
		expect(poolSize('2')).toBe(2);
		expect(poolSize('40')).toBe(40);
		expect(poolSize('1000')).toBe(1000);
	});

	it('refuses anything else at start-up, naming the variable and the value', () => {
		for (const value of ['1', '0', '-5', '2.5', 'ten', '1001']) {
			expect(() => poolSize(value)).toThrow(
				`DATABASE_POOL_SIZE must be a whole number from 2 to 1000 (it is "${value}")`
			);
		}
	});
});
