import type { Database, Handle, Identity } from './types';

/**
 * A handle whose every statement runs as `identity`, exactly as Supabase's API runs a request:
 * inside a transaction, the role plus `request.jwt.claims`, set locally, so row-level security decides.
 */
export function asIdentity(db: Database, identity: Identity): Handle {
	const claims = JSON.stringify(
		identity.role === 'anon'
			? { role: 'anon' }
			: { sub: identity.sub, role: 'authenticated', is_anonymous: identity.kind === 'participant' }
	);
	const run = <T>(fn: (tx: Handle) => Promise<T>) =>
		db.transaction(async (tx) => {
			// One round trip for both, as PostgREST does: set_config('role', …, true) is `set local role`.
			await tx.query(`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [
				identity.role,
				claims
			]);
			return fn(tx);
		});
	return {
		query: (sql, params) => run((tx) => tx.query(sql, params)),
		exec: (sql) => run((tx) => tx.exec(sql)),
		transaction: run
	};
}
