import type { Member } from '../accounts';

/** The organisation a member page is about: `?org=ID` if they belong to it, else their first. */
export function currentMembership(member: Member, url: URL): Member['memberships'][number] | null {
	const wanted = url.searchParams.get('org');
	return member.memberships.find((m) => m.orgId === wanted) ?? member.memberships[0] ?? null;
}
