import { LOCALES, type Locale } from '$lib/locales';
import * as accounts from '$lib/server/accounts';
import { ROLES, type Role } from '$lib/server/accounts';
import { currentMembership } from '$lib/server/http/currentOrg';
import { supabaseAuth } from '$lib/server/http/supabaseMode';
import * as organisations from '$lib/server/organisations';
import { parseForm } from '$lib/validation';
import { error, fail } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const role = v.picklist(ROLES as Role[], 'Choose owner, facilitator or leader.');
const uuid = v.pipe(v.string(), v.uuid('Unknown member.'));
const Invite = v.object({ role });
const ChangeRole = v.object({ user_id: uuid, role });
const Remove = v.object({ user_id: uuid });
const Reset = v.object({ user_id: uuid });
const Revoke = v.object({ invite_id: uuid });
// Empty keeps everything; else whole days, 1 to 3,650.
const RETENTION_HINT = 'Give a number of days, from 1 to 3,650, or leave it empty.';
const SetRetention = v.object({
	days: v.union(
		[
			v.literal(''),
			v.pipe(
				v.string(),
				v.regex(/^\d{1,4}$/, RETENTION_HINT),
				v.transform(Number),
				v.minValue(1, RETENTION_HINT),
				v.maxValue(3650, RETENTION_HINT)
			)
		],
		RETENTION_HINT
	)
});
const FOLLOW_UP_HINT = 'Give a number of days, from 1 to 365.';
const SetFollowUp = v.object({
	days: v.pipe(
		v.string(),
		v.regex(/^\d{1,3}$/, FOLLOW_UP_HINT),
		v.transform(Number),
		v.minValue(1, FOLLOW_UP_HINT),
		v.maxValue(365, FOLLOW_UP_HINT)
	)
});
const SetLocale = v.object({
	locale: v.picklist(Object.keys(LOCALES) as Locale[], 'Choose a language and region from the list.')
});

function orgOf({ locals, url }: RequestEvent) {
	const membership = currentMembership(locals.member!, url);
	if (!membership)
		error(404, 'You are not a member of any organisation yet. Ask an owner for an invite link.');
	return membership;
}

export const load: PageServerLoad = async (event) => {
	const membership = orgOf(event);
	const isOwner = membership.role === 'owner';
	return {
		membership,
		members: await organisations.members(event.locals.db, membership.orgId),
		invites: isOwner ? await organisations.pendingInvites(event.locals.db, membership.orgId) : [],
		...(await organisations.periods(event.locals.db, membership.orgId)),
		// Password links are for the app's own accounts; with Supabase Auth, Supabase resets passwords.
		ownAccounts: !supabaseAuth
	};
};

/** Runs an owner action, turning the database's refusals into messages on the page. */
async function ownerAction<T>(event: RequestEvent, run: (orgId: string) => Promise<T>) {
	try {
		return await run(orgOf(event).orgId);
	} catch (err) {
		if (err instanceof organisations.NotAllowedError) return fail(403, { error: err.message });
		if (organisations.isConstraintViolation(err))
			return fail(409, { error: 'An organisation needs at least one owner.' });
		throw err;
	}
}

export const actions: Actions = {
	invite: async (event) => {
		const parsed = parseForm(await event.request.formData(), Invite);
		if (!parsed.ok) return fail(400, { error: parsed.errors.role ?? parsed.errors.form });
		return ownerAction(event, async (orgId) => {
			const token = await organisations.createInvite(
				event.locals.db,
				event.locals.member!.id,
				orgId,
				parsed.data.role
			);
			return { inviteUrl: `${event.url.origin}/invite/${token}`, inviteRole: parsed.data.role };
		});
	},
	role: async (event) => {
		const parsed = parseForm(await event.request.formData(), ChangeRole);
		if (!parsed.ok) return fail(400, { error: Object.values(parsed.errors)[0] });
		return ownerAction(event, async (orgId) => {
			await organisations.changeRole(event.locals.db, orgId, parsed.data.user_id, parsed.data.role);
			return { saved: 'Role changed.' };
		});
	},
	remove: async (event) => {
		const parsed = parseForm(await event.request.formData(), Remove);
		if (!parsed.ok) return fail(400, { error: Object.values(parsed.errors)[0] });
		return ownerAction(event, async (orgId) => {
			await organisations.removeMember(event.locals.db, orgId, parsed.data.user_id);
			return { saved: 'Member removed.' };
		});
	},
	reset: async (event) => {
		if (supabaseAuth) error(404, 'Passwords are managed by Supabase Auth.');
		const parsed = parseForm(await event.request.formData(), Reset);
		if (!parsed.ok) return fail(400, { error: Object.values(parsed.errors)[0] });
		return ownerAction(event, async (orgId) => {
			let token: string;
			try {
				token = await accounts.issuePasswordReset(event.locals.db, orgId, parsed.data.user_id);
			} catch (err) {
				// app.issue_password_reset says why it refused (not an owner, or not theirs to reset).
				if (organisations.isRlsRefusal(err))
					throw new organisations.NotAllowedError(`${(err as Error).message}.`);
				throw err;
			}
			const person = (await organisations.members(event.locals.db, orgId)).find(
				(m) => m.userId === parsed.data.user_id
			);
			return {
				resetUrl: `${event.url.origin}/reset/${token}`,
				resetFor: person?.displayName ?? '',
				resetHours: accounts.RESET_HOURS
			};
		});
	},
	locale: async (event) => {
		const parsed = parseForm(await event.request.formData(), SetLocale);
		if (!parsed.ok) return fail(400, { error: Object.values(parsed.errors)[0] });
		return ownerAction(event, async (orgId) => {
			await organisations.setLocale(event.locals.db, orgId, parsed.data.locale);
			return { saved: 'Dates now read in ' + LOCALES[parsed.data.locale] + '.' };
		});
	},
	retention: async (event) => {
		const parsed = parseForm(await event.request.formData(), SetRetention);
		if (!parsed.ok) return fail(400, { error: Object.values(parsed.errors)[0] });
		const days = parsed.data.days === '' ? null : parsed.data.days;
		return ownerAction(event, async (orgId) => {
			await organisations.setRetention(event.locals.db, orgId, days);
			return {
				saved:
					days === null
						? 'Everything is kept.'
						: `Room-only stories and participants’ names now go ${days} days after a workshop ends.`
			};
		});
	},
	followUp: async (event) => {
		const parsed = parseForm(await event.request.formData(), SetFollowUp);
		if (!parsed.ok) return fail(400, { error: Object.values(parsed.errors)[0] });
		const { days } = parsed.data;
		return ownerAction(event, async (orgId) => {
			await organisations.setFollowUpDays(event.locals.db, orgId, days);
			return { saved: `Charters now ask how their actions are doing ${days} days after a workshop ends.` };
		});
	},
	revoke: async (event) => {
		const parsed = parseForm(await event.request.formData(), Revoke);
		if (!parsed.ok) return fail(400, { error: Object.values(parsed.errors)[0] });
		return ownerAction(event, async (orgId) => {
			await organisations.revokeInvite(event.locals.db, orgId, parsed.data.invite_id);
			return { saved: 'Invite revoked.' };
		});
	}
};
