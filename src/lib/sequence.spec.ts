import { describe, expect, it } from 'vitest';
import { inOrder, nextSeq } from './sequence';

describe('nextSeq', () => {
	it('follows the clock, and never repeats or goes back when the clock stands still or goes back', () => {
		const first = nextSeq(5_000_000);
		expect(first).toBeGreaterThanOrEqual(5_000_000);
		const same = nextSeq(5_000_000);
		const back = nextSeq(4_000_000);
		expect(same).toBe(first + 1);
		expect(back).toBe(first + 2);
		expect(nextSeq(first + 1000)).toBe(first + 1000);
	});
});

describe('inOrder', () => {
	it('puts a newer number in each send, then hands over to the form’s own submit function', () => {
		const sent: string[] = [];
		const submit = inOrder(({ formData }) => {
			sent.push(String(formData.get('seq')));
		});
		for (let i = 0; i < 2; i++) {
			const formData = new FormData();
			void submit({ formData } as Parameters<typeof submit>[0]);
		}
		expect(sent).toHaveLength(2);
		expect(Number(sent[1])).toBeGreaterThan(Number(sent[0]));
	});
});
