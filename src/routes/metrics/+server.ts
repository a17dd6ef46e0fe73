// Prometheus metrics, for a scraper holding METRICS_TOKEN (`Authorization: Bearer …`). Without
// METRICS_TOKEN there is nothing here.
import { env } from '$env/dynamic/private';
import { registry } from '$lib/server/ops/metrics';
import { error } from '@sveltejs/kit';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from './$types';

const digest = (text: string) => createHash('sha256').update(text).digest();

export const GET: RequestHandler = async ({ request }) => {
	const token = env.METRICS_TOKEN;
	if (!token) error(404, 'Not found');
	const given = request.headers.get('authorization')?.replace(/^Bearer\s+/i, '') ?? '';
	if (!timingSafeEqual(digest(given), digest(token))) {
		return new Response('A metrics token is needed (Authorization: Bearer …).\n', {
			status: 401,
			headers: { 'www-authenticate': 'Bearer' }
		});
	}
	return new Response(await registry.metrics(), {
		headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' }
	});
};
