import { readCharter } from '$lib/server/http/charterReader';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => ({ charter: await readCharter(event) });
