import type { Member } from '$lib/server/accounts';
import type { Handle as DbHandle } from '$lib/server/db';
import type { Participant } from '$lib/server/participants';

declare global {
	namespace App {
		interface Locals {
			/** This request's id: on its response (`X-Request-Id`), its log lines and its error page. */
			requestId: string;
			/** The signed-in member, or null. */
			member: Member | null;
			/** Database access as this request's identity (the member, else anonymous): RLS applies. */
			db: DbHandle;
			/**
			 * On a workshop's phone pages and its charter: the phone asking, by its cookie for that join
			 * code, or null. Elsewhere always null.
			 */
			participant: Participant | null;
			/** Database access as that participant (RLS applies), or null when there is none. */
			participantDb: DbHandle | null;
		}
		interface PageData {
			member?: { id: string; displayName: string; memberships: Member['memberships'] } | null;
		}
		interface Error {
			message: string;
			/** The failed request's id, to quote when reporting it (unexpected errors only). */
			id?: string;
		}
	}
	namespace NodeJS {
		// How src/serve.js and the app take turns at shutdown (see startup.ts).
		interface Process {
			emit(event: 'cx:drain' | 'cx:closed'): boolean;
			once(event: 'cx:drain' | 'cx:closed', listener: () => void): this;
		}
	}
}

export {};
