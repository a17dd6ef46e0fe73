import { exportResponse } from '$lib/server/http/libraryDownload';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) => exportResponse(event, 'md');
