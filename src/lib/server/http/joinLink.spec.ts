import { describe, expect, it } from 'vitest';
import { joinUrl, qrSvg } from './joinLink';
import { networkUrls } from '../startup';

describe('the join address phones are sent to', () => {
	it('is the address the facilitator used, when phones can reach it', () => {
		expect(joinUrl(new URL('http://192.168.1.20:3000/w/ABC234/screen'), 'ABC234', '')).toBe(
			'http://192.168.1.20:3000/j/ABC234'
		);
		expect(joinUrl(new URL('https://cx.example.org/w/ABC234/screen'), 'ABC234', '')).toBe(
			'https://cx.example.org/j/ABC234'
		);
	});

	it("replaces localhost with this machine's network address", () => {
		const lan = networkUrls('3000')[0];
		expect(joinUrl(new URL('http://localhost:3000/w/ABC234/screen'), 'ABC234', '')).toBe(
			`${lan ?? 'http://localhost:3000'}/j/ABC234`
		);
	});

	it('uses ORIGIN when it is configured', () => {
		expect(joinUrl(new URL('http://localhost:3000/'), 'ABC234', 'https://cx.example.org')).toBe(
			'https://cx.example.org/j/ABC234'
		);
	});

	it('renders a QR code as a self-contained SVG', async () => {
		const svg = await qrSvg('http://192.168.1.20:3000/j/ABC234');
		expect(svg).toMatch(/^<svg[^>]*viewBox="0 0 \d+ \d+"/);
		expect(svg).not.toContain('<script');
	});
});
