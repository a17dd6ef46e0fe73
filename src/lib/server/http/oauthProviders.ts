import { safeNext } from './redirects';

/** How a sign-in button names a Supabase OAuth provider (its id, e.g. `linkedin_oidc`). */
const NAMES: Record<string, string> = {
	azure: 'Microsoft',
	github: 'GitHub',
	gitlab: 'GitLab',
	linkedin_oidc: 'LinkedIn',
	workos: 'WorkOS'
};

function providerName(id: string): string {
	return NAMES[id] ?? id.charAt(0).toUpperCase() + id.slice(1);
}

/** The sign-in page's links to start a sign-in with each provider, coming back to its `next`. */
export function providerLinks(providers: string[], url: URL) {
	const next = url.searchParams.get('next');
	return providers.map((id) => {
		const query = new URLSearchParams({ provider: id });
		if (next) query.set('next', safeNext(next));
		return { name: providerName(id), href: `/auth/oauth?${query}` };
	});
}
