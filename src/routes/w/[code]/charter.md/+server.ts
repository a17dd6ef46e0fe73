import { charterMarkdown } from '$lib/server/charter';
import { readCharter } from '$lib/server/http/charterReader';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const charter = await readCharter(event);
	return new Response(charterMarkdown(charter, event.url.origin), {
		headers: {
			'content-type': 'text/markdown; charset=utf-8',
			'content-disposition': `attachment; filename="charter-${charter.workshop.joinCode}.md"`,
			'cache-control': 'private, no-store'
		}
	});
};
