import { env } from '$env/dynamic/private';
import * as accounts from '$lib/server/accounts';
import { normaliseJoinCode } from '$lib/joinCode';
import { SESSION_COOKIE } from '$lib/server/http/cookies';
import { asIdentity, system } from '$lib/server/db';
import { ANONYMOUS } from '$lib/server/db/types';
import { participantAccess } from '$lib/server/http/liveAccess';
import { asParticipant } from '$lib/server/participants';
import { start } from '$lib/server/startup';
import { isSupabaseAuthCookie, verifiedUserId } from '$lib/server/http/supabaseAuth';
import { supabaseAuth as supabase } from '$lib/server/http/supabaseMode';
import { log } from '$lib/server/ops/log';
import { observeRequest } from '$lib/server/ops/metrics';
import { requestId } from '$lib/server/ops/requestId';
import {
	error,
	isHttpError,
	isRedirect,
	redirect,
	type Handle,
	type HandleServerError,
	type ServerInit
} from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';

export const init: ServerInit = async () => {
	await start(env);
};

/** Resolves who is asking into `locals`, and hands out a database handle that runs as them. */
const identity: Handle = async ({ event, resolve }) => {
	const token = event.cookies.get(SESSION_COOKIE);
	const userId = supabase
		? await verifiedUserId(event, supabase, system())
		: token
			? await accounts.userForSession(system(), token)
			: null;
	// A session that ended (idle, expired, signed out elsewhere) takes its cookie with it.
	if (token && !userId && !supabase) event.cookies.delete(SESSION_COOKIE, { path: '/' });
	event.locals.member = userId ? await accounts.member(system(), userId) : null;
	event.locals.db = asIdentity(
		system(),
		event.locals.member ? { role: 'authenticated', sub: event.locals.member.id, kind: 'member' } : ANONYMOUS
	);
	return resolve(event);
};

/** A workshop's pages for its phones (each stage's page, and their own vision) and its charter. */
const PHONE_ROUTES = /^\/w\/\[code\]\/(\(phone\)|charter|mine)/;

/**
 * Resolves which participant a phone is, from its cookie for the workshop's code, once per request:
 * its pages' loads and actions read it from `locals`. (The live stream checks for itself, and again
 * whenever some access ends.)
 */
const phone: Handle = async ({ event, resolve }) => {
	const code = PHONE_ROUTES.test(event.route.id ?? '') ? normaliseJoinCode(event.params.code ?? '') : null;
	const participant = code ? await participantAccess(event.cookies, code) : null;
	event.locals.participant = participant;
	event.locals.participantDb = participant && asParticipant(system(), participant);
	return resolve(event);
};

const MEMBERS_ONLY = [
	/^\/workshops(\/|$)/,
	/^\/org(\/|$)/,
	/^\/library(\/|$)/,
	/^\/actions(\/|$)/,
	/^\/insights(\/|$)/,
	/^\/account(\/|$)/,
	/^\/w\/[^/]+\/facilitate(\/|$)/
];

/** Sends signed-out visitors of member pages to sign in, and back afterwards. */
const guard: Handle = async ({ event, resolve }) => {
	const { pathname, search } = event.url;
	if (!event.locals.member && MEMBERS_ONLY.some((pattern) => pattern.test(pathname))) {
		redirect(303, `/login?next=${encodeURIComponent(pathname + search)}`);
	}
	return resolve(event);
};

/**
 * A body that does not parse as the form it claims to be (a cut-off or hand-made multipart post) is
 * the sender's fault: every form action reads its body through `request.formData()`, which answers
 * that with a 400 here rather than a 500 from deep in an action.
 */
const readableForms: Handle = async ({ event, resolve }) => {
	if (event.request.method === 'POST') {
		const request = event.request;
		const parse = request.formData.bind(request);
		Object.defineProperty(request, 'formData', {
			value: () =>
				parse().catch((failure: Error) => {
					// A body over the size limit stays a 413 (the adapter's error, or the cause of the parser's).
					const { status } = (failure.cause ?? failure) as { status?: number };
					if (status === 413) error(413, 'This form is too large to send.');
					error(400, 'The form could not be read. Reload the page and send it again.');
				})
		});
	}
	return resolve(event);
};

/** The screen may be framed by our own pages: the control panel shows it as a live preview. */
const FRAMED_BY_US = /^\/w\/[^/]+\/screen$/;

/** Pages whose address is itself a secret (a reset, invite or vision link): never kept in a cache. */
const SECRET_LINKS = /^\/(reset|invite|v)\//;

const headers: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	// Browsers remember HSTS only from a response that came over https; plain http on the venue
	// Wi-Fi must keep working, so it is never sent there.
	if (event.url.protocol === 'https:') response.headers.set('Strict-Transport-Security', 'max-age=31536000');
	// A member's pages, secret links and any response that sets or clears a session cookie (the
	// app's or Supabase's) must not be kept by the browser's back button or a shared cache.
	const setsSession = response.headers
		.getSetCookie()
		.map((cookie) => cookie.slice(0, cookie.indexOf('=')))
		.some((name) => name === SESSION_COOKIE || isSupabaseAuthCookie(name));
	if (event.locals.member || setsSession || SECRET_LINKS.test(event.url.pathname))
		response.headers.set('Cache-Control', 'no-store');
	const csp = response.headers.get('content-security-policy');
	if (csp && FRAMED_BY_US.test(event.url.pathname)) {
		response.headers.set(
			'content-security-policy',
			csp.replace("frame-ancestors 'none'", "frame-ancestors 'self'")
		);
	}
	response.headers.set('X-Content-Type-Options', 'nosniff');
	response.headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
	response.headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
	return response;
};

/**
 * Gives each request an id — on its response, on every log line about it, on its error page — and
 * once it is answered logs one line and records its duration. Routes are named by their id, never
 * their path: paths hold join codes and secret links.
 */
const observed: Handle = async ({ event, resolve }) => {
	const started = performance.now();
	const id = requestId(event.request.headers.get('x-request-id'));
	event.locals.requestId = id;
	let status = 500;
	try {
		const response = await resolve(event);
		status = response.status;
		response.headers.set('X-Request-Id', id);
		return response;
	} catch (thrown) {
		// A redirect or an error thrown by a hook below; SvelteKit answers it after this.
		if (isRedirect(thrown) || isHttpError(thrown)) status = thrown.status;
		throw thrown;
	} finally {
		const seconds = (performance.now() - started) / 1000;
		const route = event.route.id;
		observeRequest(event.request.method, route, status, seconds);
		log.info(
			{ req: id, method: event.request.method, route, status, ms: Math.round(seconds * 1000) },
			'request'
		);
	}
};

/**
 * An unexpected error: logged with its request's id, which the error page shows, never its details.
 * (In the message, on SvelteKit's own error page: a page of ours would load on every phone.)
 */
export const handleError: HandleServerError = ({ error: failure, event, status, message }) => {
	const id = event.locals.requestId ?? requestId(null);
	if (status < 500) return { message, id };
	log.error({ req: id, route: event.route.id, status, err: failure }, 'request failed');
	return { message: `Something went wrong on our side. If it happens again, quote the reference ${id}.`, id };
};

export const handle = sequence(observed, readableForms, identity, guard, phone, headers);
