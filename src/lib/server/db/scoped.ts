import type { Database, Handle, Identity } from './types';

/**
 * A handle whose every statement runs as `identity`, exactly as Supabase's API runs a request:
 * inside a transaction, `set local role` plus `request.jwt.claims`, so row-level security decides.
 */
export function asIdentity(db: Database, identity: Identity): Handle {
	const claims = JSON.stringify(
		identity.role === 'anon'
			? { role: 'anon' }
			: { sub: identity.sub, role: 'authenticated', is_anonymous: identity.kind === 'participant' }
	);
	const run = <T>(fn: (tx: Handle) => Promise<T>) =>
		db.transaction(async (tx) => {
			// The role is one of two literals (never input), so it is safe to inline; claims are a parameter.
			await tx.query(identity.role === 'anon' ? 'set local role anon' : 'set local role authenticated');
			await tx.query(`select set_config('request.jwt.claims', $1, true)`, [claims]);
			return fn(tx);
		});
	return {
		query: (sql, params) => run((tx) => tx.query(sql, params)),
		exec: (sql) => run((tx) => tx.exec(sql)),
		transaction: run
	};
}
