import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => ({
	member: locals.member && {
		id: locals.member.id,
		displayName: locals.member.displayName,
		memberships: locals.member.memberships
	}
});
