import type { Database, Handle, Identity } from './types';

/**
 * A handle whose every statement runs as `identity`, exactly as Supabase's API runs a request:
 * inside a transaction, the role plus `request.jwt.claims`, set locally, so row-level security decides.
 */
export function asIdentity(db: Database, identity: Identity): Handle {
	const claims = JSON.stringify(claimsOf(identity));
	// One round trip for all, as PostgREST does: set_config('role', …, true) is `set local role`.
	// A view only reads: its transactions are read-only, whatever its policies would allow.
	const begin =
		`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)` +
		(identity.role === 'authenticated' && identity.kind === 'view'
			? `, set_config('transaction_read_only', 'on', true)`
			: '');
	const run = <T>(fn: (tx: Handle) => Promise<T>) =>
		db.transaction(async (tx) => {
			await tx.query(begin, [identity.role, claims]);
			return fn(tx);
		});
	return {
		query: (sql, params) => run((tx) => tx.query(sql, params)),
		exec: (sql) => run((tx) => tx.exec(sql)),
		transaction: run
	};
}

function claimsOf(identity: Identity): Record<string, unknown> {
	if (identity.role === 'anon') return { role: 'anon' };
	if (identity.kind === 'view')
		return { role: 'authenticated', view: identity.view, view_of: identity.workshop };
	return { sub: identity.sub, role: 'authenticated', is_anonymous: identity.kind === 'participant' };
}
