// The app's account for a member who signs in with Supabase Auth. Roles and memberships live in the
// app's own tables, keyed by the Supabase user's id; this makes (or finds, or links) that row once,
// when they sign in, so an ordinary request only reads it.
import type { Handle } from './db';
import { log } from './ops/log';

/** A Supabase user as the Auth server described them when they signed in. */
export interface SupabaseUser {
	id: string;
	email: string;
	/** Supabase has seen proof that the address is theirs (a confirmation link, or a provider saying so). */
	emailConfirmed: boolean;
	/** The name they gave when signing up, or their provider's; null for none. */
	name: string | null;
}

/**
 * `ready`: the account is theirs (found, made, or linked). `email-unconfirmed`: another account here
 * has their e-mail, and nothing has proved the address is theirs, so it is not joined to it.
 */
export type AccountOutcome = 'ready' | 'email-unconfirmed';

/**
 * Finds the account for a Supabase user, or makes it on their first sign-in. An account here that
 * already has their e-mail (one made with the app's own passwords, before the move to Supabase
 * Auth) becomes theirs once Supabase has confirmed the address: it takes the Supabase user's id and
 * keeps its memberships and workshops. Its old sessions end.
 */
export async function accountFor(system: Handle, user: SupabaseUser): Promise<AccountOutcome> {
	return system.transaction(async (tx) => {
		if (await exists(tx, user.id)) return 'ready';
		const [sameEmail] = await tx.query<{ id: string }>(
			`select id from users where email = lower($1) for update`,
			[user.email]
		);
		if (!sameEmail) {
			if (await insertUser(tx, user)) return 'ready';
			// Another tab signed the same user in at the same moment, or someone took the e-mail.
			return (await exists(tx, user.id)) ? 'ready' : 'email-unconfirmed';
		}
		if (!user.emailConfirmed) return 'email-unconfirmed';
		await tx.query(`update users set id = $2 where id = $1`, [sameEmail.id, user.id]);
		await tx.query(`delete from sessions where user_id = $1`, [user.id]);
		log.info({ user: user.id }, 'an account here was linked to the Supabase user with its e-mail');
		return 'ready';
	});
}

/**
 * Makes the account for a Supabase user the server has not seen sign in (their session began on
 * another deployment of the app, or before it kept accounts this way); never links one. False when
 * their e-mail is another account's.
 */
export async function ensureAccount(
	system: Handle,
	user: Omit<SupabaseUser, 'emailConfirmed'>
): Promise<boolean> {
	if (await insertUser(system, user)) return true;
	if (await exists(system, user.id)) return true;
	log.warn({ user: user.id }, 'a Supabase user signed in whose e-mail belongs to another account here');
	return false;
}

async function exists(db: Handle, id: string): Promise<boolean> {
	return (await db.query(`select 1 from users where id = $1`, [id])).length > 0;
}

async function insertUser(db: Handle, user: Omit<SupabaseUser, 'emailConfirmed'>): Promise<boolean> {
	const created = await db.query(
		`insert into users (id, email, display_name)
		 values ($1, lower($2), left(coalesce(nullif(trim($3), ''), split_part($2, '@', 1)), 80))
		 on conflict do nothing returning id`,
		[user.id, user.email, user.name]
	);
	return created.length > 0;
}
