// A stand-in for Supabase Auth (GoTrue) on loopback, answering the calls supabase-js makes the way
// the real service does: an ES256 key made here and its JWKS, sign-up, password / refresh / PKCE
// token grants, sign-in links, OAuth (a provider that signs in at once), the user endpoint (which
// also checks legacy HS256 tokens) and sign-out. E-mails are not sent: they land in `mailbox`, as
// the link our recommended e-mail templates write (`…/auth/callback?token_hash=…&type=…`).
import {
	createHash,
	createHmac,
	generateKeyPairSync,
	randomBytes,
	randomUUID,
	sign,
	verify,
	type KeyObject
} from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInUser {
	id: string;
	email: string;
	password: string | null;
	confirmed: boolean;
	metadata: Record<string, unknown>;
}

export interface Mail {
	to: string;
	/** The link in the e-mail, as our templates write it. */
	link: string;
}

/** Who the OAuth provider says signed in, the next time a browser goes to it. */
export interface ProviderIdentity {
	email: string;
	name: string;
	/** Whether the provider vouches for the address (some do not). */
	emailVerified: boolean;
}

export interface SupabaseStandIn {
	url: string;
	publishableKey: string;
	users: Map<string, StandInUser>;
	mailbox: Mail[];
	/** Set before a browser goes to the provider. */
	providerIdentity: ProviderIdentity | null;
	addUser(user: Partial<StandInUser> & { email: string }): StandInUser;
	/** An access token for `user` signed with the project's key (or `key`, to forge one). */
	accessToken(
		user: Pick<StandInUser, 'id' | 'email'>,
		more?: Record<string, unknown>,
		key?: KeyObject
	): string;
	/** A legacy HS256 token, signed with the project's JWT secret unless told otherwise. */
	hs256(claims: Record<string, unknown>, secret?: string): string;
	/** A refresh token the stand-in will honour for `user`. */
	refreshTokenFor(user: StandInUser): string;
	kid: string;
	close(): Promise<void>;
}

const HS_SECRET = 'the-legacy-jwt-secret-of-the-stand-in';
const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
const sha256 = (text: string) => createHash('sha256').update(text).digest();

export async function startSupabaseStandIn(
	options: { kid?: string; autoconfirm?: boolean } = {}
): Promise<SupabaseStandIn> {
	const kid = options.kid ?? `stand-in-${randomUUID()}`;
	const signing = generateKeyPairSync('ec', { namedCurve: 'P-256' });
	const jwk = { ...signing.publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' };
	const users = new Map<string, StandInUser>();
	const mailbox: Mail[] = [];
	const refreshTokens = new Map<string, string>(); // token → user id
	const linkTokens = new Map<string, string>(); // token hash → user id
	const codes = new Map<string, { userId: string; challenge: string }>(); // PKCE auth code

	function es256(claims: Record<string, unknown>, key: KeyObject = signing.privateKey): string {
		const head = b64url(JSON.stringify({ alg: 'ES256', kid, typ: 'JWT' }));
		const body = b64url(JSON.stringify(claims));
		const signature = sign('sha256', Buffer.from(`${head}.${body}`), { key, dsaEncoding: 'ieee-p1363' });
		return `${head}.${body}.${b64url(signature)}`;
	}
	function hs256(claims: Record<string, unknown>, secret = HS_SECRET): string {
		const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
		const body = b64url(JSON.stringify(claims));
		return `${head}.${body}.${b64url(createHmac('sha256', secret).update(`${head}.${body}`).digest())}`;
	}
	const claimsOf = (user: Pick<StandInUser, 'id' | 'email'>, more: Record<string, unknown> = {}) => ({
		sub: user.id,
		email: user.email,
		aud: 'authenticated',
		role: 'authenticated',
		is_anonymous: false,
		iat: now(),
		exp: now() + 3600,
		...more
	});
	const userJson = (user: StandInUser) => ({
		id: user.id,
		aud: 'authenticated',
		role: 'authenticated',
		email: user.email,
		email_confirmed_at: user.confirmed ? new Date().toISOString() : null,
		user_metadata: user.metadata,
		app_metadata: { provider: 'email' },
		created_at: new Date().toISOString()
	});
	function refreshTokenFor(user: StandInUser): string {
		const token = randomBytes(12).toString('hex');
		refreshTokens.set(token, user.id);
		return token;
	}
	function session(user: StandInUser) {
		return {
			access_token: es256(claimsOf(user)),
			refresh_token: refreshTokenFor(user),
			token_type: 'bearer',
			expires_in: 3600,
			expires_at: now() + 3600,
			user: userJson(user)
		};
	}
	function addUser(user: Partial<StandInUser> & { email: string }): StandInUser {
		const made: StandInUser = { id: randomUUID(), password: null, confirmed: true, metadata: {}, ...user };
		users.set(made.id, made);
		return made;
	}
	const byEmail = (email: string) => [...users.values()].find((user) => user.email === email.toLowerCase());
	/** Mails a one-use link, as our template writes it: the redirect address with token_hash and type. */
	function mail(user: StandInUser, redirectTo: string, type: string) {
		const token = randomBytes(12).toString('hex');
		linkTokens.set(token, user.id);
		const link = new URL(redirectTo);
		link.searchParams.set('token_hash', token);
		link.searchParams.set('type', type);
		mailbox.push({ to: user.email, link: link.href });
	}
	/** The user an access token (ES256 from our key, or legacy HS256 from our secret) belongs to. */
	function bearer(req: http.IncomingMessage): StandInUser | null {
		const token = req.headers.authorization?.replace('Bearer ', '') ?? '';
		const [head, body, signature] = token.split('.');
		try {
			const claims = JSON.parse(Buffer.from(body ?? '', 'base64url').toString());
			const header = JSON.parse(Buffer.from(head ?? '', 'base64url').toString());
			const good =
				header.alg === 'HS256'
					? token === hs256(claims)
					: header.alg === 'ES256' &&
						claims.exp > now() &&
						verify(
							'sha256',
							Buffer.from(`${head}.${body}`),
							{ key: signing.publicKey, dsaEncoding: 'ieee-p1363' },
							Buffer.from(signature ?? '', 'base64url')
						);
			if (!good) return null;
			return users.get(claims.sub) ?? addUser({ id: claims.sub, email: claims.email });
		} catch {
			return null;
		}
	}

	const server = http.createServer((req, res) => void answer(req, res));
	async function answer(req: http.IncomingMessage, res: http.ServerResponse) {
		const reply = (status: number, body?: unknown) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(body === undefined ? '' : JSON.stringify(body));
		};
		const refuse = (status: number, code: string, msg: string) =>
			reply(status, { code, error_code: code, msg });
		const url = new URL(req.url!, 'http://stand-in');
		let text = '';
		for await (const chunk of req) text += chunk;
		const body = text ? JSON.parse(text) : {};
		const redirectTo = url.searchParams.get('redirect_to') ?? '';

		switch (`${req.method} ${url.pathname}`) {
			case 'GET /auth/v1/.well-known/jwks.json':
				return reply(200, { keys: [jwk] });
			case 'POST /auth/v1/signup': {
				if (byEmail(body.email)) return refuse(422, 'user_already_exists', 'User already registered');
				const user = addUser({
					email: body.email.toLowerCase(),
					password: body.password,
					confirmed: Boolean(options.autoconfirm),
					metadata: body.data ?? {}
				});
				if (options.autoconfirm) return reply(200, session(user));
				mail(user, redirectTo, 'signup');
				return reply(200, userJson(user));
			}
			case 'POST /auth/v1/otp': {
				const user =
					byEmail(body.email) ?? (body.create_user ? addUser({ email: body.email, confirmed: false }) : null);
				if (user) mail(user, redirectTo, 'email');
				return reply(200, {});
			}
			case 'POST /auth/v1/verify': {
				const user = users.get(linkTokens.get(body.token_hash) ?? '');
				linkTokens.delete(body.token_hash);
				if (!user) return refuse(403, 'otp_expired', 'Email link is invalid or has expired');
				user.confirmed = true;
				return reply(200, session(user));
			}
			case 'POST /auth/v1/token': {
				const grant = url.searchParams.get('grant_type');
				if (grant === 'password') {
					const user = byEmail(body.email);
					if (!user || user.password !== body.password)
						return refuse(400, 'invalid_credentials', 'Invalid login credentials');
					if (!user.confirmed) return refuse(400, 'email_not_confirmed', 'Email not confirmed');
					return reply(200, session(user));
				}
				if (grant === 'refresh_token') {
					const user = users.get(refreshTokens.get(body.refresh_token) ?? '');
					refreshTokens.delete(body.refresh_token);
					if (!user)
						return refuse(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
					return reply(200, session(user));
				}
				if (grant === 'pkce') {
					const issued = codes.get(body.auth_code);
					codes.delete(body.auth_code);
					const verified = issued && b64url(sha256(body.code_verifier ?? '')) === issued.challenge;
					if (!verified)
						return refuse(
							400,
							'bad_code_verifier',
							'code challenge does not match previously saved code verifier'
						);
					return reply(200, session(users.get(issued.userId)!));
				}
				return refuse(400, 'unsupported_grant_type', 'unsupported grant');
			}
			case 'GET /auth/v1/authorize': {
				// The provider signs its identity in at once and sends the browser back with a code.
				const identity = stand.providerIdentity;
				if (!identity) return refuse(400, 'provider_disabled', 'Unsupported provider');
				const user =
					byEmail(identity.email) ??
					addUser({
						email: identity.email,
						confirmed: identity.emailVerified,
						metadata: { full_name: identity.name }
					});
				const code = randomUUID();
				codes.set(code, { userId: user.id, challenge: url.searchParams.get('code_challenge') ?? '' });
				const back = new URL(redirectTo);
				back.searchParams.set('code', code);
				res.writeHead(302, { location: back.href });
				return res.end();
			}
			case 'GET /auth/v1/user': {
				const user = bearer(req);
				return user ? reply(200, userJson(user)) : refuse(401, 'bad_jwt', 'invalid JWT');
			}
			case 'PUT /auth/v1/user': {
				const user = bearer(req);
				if (!user) return refuse(401, 'bad_jwt', 'invalid JWT');
				if (typeof body.password === 'string') user.password = body.password;
				return reply(200, userJson(user));
			}
			case 'POST /auth/v1/logout': {
				const user = bearer(req);
				if (user && url.searchParams.get('scope') !== 'local')
					for (const [token, id] of refreshTokens) if (id === user.id) refreshTokens.delete(token);
				res.writeHead(204);
				return res.end();
			}
		}
		refuse(404, 'not_found', 'not here');
	}
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

	const stand: SupabaseStandIn = {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		publishableKey: 'sb_publishable_stand_in',
		users,
		mailbox,
		providerIdentity: null,
		addUser,
		accessToken: (user, more, key) => es256(claimsOf(user, more), key),
		hs256,
		refreshTokenFor,
		kid,
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
	return stand;
}
