import { currentMembership } from '$lib/server/http/currentOrg';
import { rejectForm } from '$lib/server/http/forms';
import * as workshops from '$lib/server/workshops';
import { STAGES } from '$lib/stages';
import { parseForm, text } from '$lib/validation';
import { error, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';

const optional = (label: string, max: number) =>
	v.optional(v.union([v.literal(''), text(label, 1, max)]), '');
const NewWorkshop = v.object({
	title: text('Title', 1, 120),
	team_name: optional('Team name', 120),
	...Object.fromEntries(
		STAGES.map((stage) => [`prompt_${stage.id}`, optional(`The ${stage.name} prompt`, 500)])
	)
});

function organiser(locals: App.Locals, url: URL) {
	const membership = currentMembership(locals.member!, url);
	if (!membership || membership.role === 'leader') {
		error(403, 'Only owners and facilitators of an organisation create workshops.');
	}
	return membership;
}

export const load: PageServerLoad = ({ locals, url }) => ({ membership: organiser(locals, url) });

export const actions: Actions = {
	default: async ({ locals, url, request }) => {
		const membership = organiser(locals, url);
		const parsed = parseForm(await request.formData(), NewWorkshop);
		if (!parsed.ok) return rejectForm(400, parsed.errors, parsed.values);
		const input = parsed.data as Record<string, string>;
		const { joinCode } = await workshops.create(locals.db, locals.member!.id, membership.orgId, {
			title: input.title!,
			teamName: input.team_name || null,
			prompts: Object.fromEntries(STAGES.map((stage) => [stage.id, input[`prompt_${stage.id}`] ?? '']))
		});
		redirect(303, `/w/${joinCode}/facilitate`);
	}
};
