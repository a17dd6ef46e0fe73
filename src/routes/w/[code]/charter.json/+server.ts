import { readCharter } from '$lib/server/http/charterReader';
import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

// The same charter as data: the markdown as written, without the rendered HTML.
export const GET: RequestHandler = async (event) => {
	const { stories, vision, ...rest } = await readCharter(event);
	const plain = (list: typeof stories.good) => list.map((story) => ({ ...story, html: undefined }));
	return json(
		{
			...rest,
			vision: vision && { body: vision.body, version: vision.version },
			stories: { good: plain(stories.good), bad: plain(stories.bad) }
		},
		{
			headers: {
				'content-disposition': `attachment; filename="charter-${rest.workshop.joinCode}.json"`,
				'cache-control': 'private, no-store'
			}
		}
	);
};
