import { actionsDownload } from '$lib/server/http/actionDownload';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) => actionsDownload(event, 'ics');
