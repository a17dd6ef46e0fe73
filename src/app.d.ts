import type { Member } from '$lib/server/accounts';
import type { Handle as DbHandle } from '$lib/server/db';

declare global {
	namespace App {
		interface Locals {
			/** The signed-in member, or null. */
			member: Member | null;
			/** Database access as this request's identity (the member, else anonymous): RLS applies. */
			db: DbHandle;
		}
		interface PageData {
			member?: { id: string; displayName: string; memberships: Member['memberships'] } | null;
		}
		interface Error {
			message: string;
		}
	}
}

export {};
