import { normaliseJoinCode } from '$lib/joinCode';
import { STAGE_IDS } from '$lib/stages';
import { STORY_LIMITS } from '$lib/stories';
import { parseBallot } from '$lib/server/http/ballotForm';
import { rejectForm } from '$lib/server/http/forms';
import { joinUrl } from '$lib/server/http/joinLink';
import { snapshot } from '$lib/server/live';
import { system } from '$lib/server/db';
import * as obstacles from '$lib/server/obstacles';
import * as personalVisions from '$lib/server/personalVisions';
import * as participants from '$lib/server/participants';
import * as rallyingCries from '$lib/server/rallyingCries';
import * as stories from '$lib/server/stories';
import * as vision from '$lib/server/vision';
import * as votes from '$lib/server/votes';
import * as workshops from '$lib/server/workshops';
import { calendarDay, parseForm, text, wholeNumber } from '$lib/validation';
import { error, fail, type RequestEvent } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';

const stage = v.picklist(STAGE_IDS, 'Unknown stage.');
const onOff = v.picklist(['on', 'off']);
const id = v.pipe(v.string(), v.uuid('Unknown item.'));
const Schemas = {
	stage: v.object({ stage, carry: v.optional(v.literal('on')) }),
	prompt: v.object({ stage, prompt: v.union([v.literal(''), text('The prompt', 1, 500)]) }),
	timer: v.object({
		action: v.picklist(workshops.TIMER_ACTIONS, 'Unknown timer action.'),
		minutes: v.optional(
			v.pipe(v.string(), v.transform(Number), v.number(), v.minValue(0.5), v.maxValue(120)),
			'5'
		)
	}),
	lock: v.object({ locked: onOff }),
	joining: v.object({ closed: onOff }),
	personalVision: v.object({ stage: v.picklist(['dream', 'excite'], 'Choose Dream or Excite.') }),
	visionWall: v.object({ shown: onOff }),
	hideVision: v.object({ id, hidden: onOff }),
	remove: v.object({
		id: v.pipe(v.string(), v.uuid('Choose who to remove.')),
		confirm: v.literal('yes', 'Tick the box to confirm.')
	}),
	wall: v.object({ action: v.picklist(workshops.WALL_ACTIONS, 'Unknown wall action.') }),
	hide: v.object({ hidden: onOff }),
	end: v.object({ confirm: v.literal('yes', 'Tick the box to confirm.') }),
	screen: v.object({ link: v.picklist(['create', 'revoke']) }),
	moderate: v.object({ id: v.pipe(v.string(), v.uuid('Unknown story.')), hidden: onOff }),
	// An empty id takes the story out of the spotlight.
	spotlight: v.object({ id: v.union([v.literal(''), v.pipe(v.string(), v.uuid('Unknown story.'))]) }),
	spotlightNext: v.object({}),
	cry: v.object({ id, hidden: onOff }),
	openVote: v.object({
		method: v.picklist(['single', 'dot', 'ranked'], 'Choose how people vote.'),
		dots: v.optional(
			v.pipe(v.string(), v.transform(Number), v.integer(), v.minValue(1), v.maxValue(10, 'At most 10 dots.')),
			'3'
		),
		stack: v.optional(v.literal('on'))
	}),
	obstacle: v.object({ id, hidden: onOff }),
	merge: v.object({
		from: v.pipe(v.string(), v.uuid('Choose the duplicate to merge.')),
		into: v.pipe(v.string(), v.uuid('Choose the obstacle to merge it into.'))
	}),
	openDots: v.object({
		dots: v.pipe(
			v.string(),
			v.transform(Number),
			v.integer(),
			v.minValue(1),
			v.maxValue(10, 'At most 10 dots.')
		),
		stack: v.optional(v.literal('on'))
	}),
	addAction: v.object({
		obstacle: v.union([v.literal(''), id]),
		title: text('The action', 1, obstacles.ACTION_MAX),
		owner: text('Its owner', 1, 120),
		due: v.union([v.literal(''), calendarDay('Give a real date, as YYYY-MM-DD.')])
	}),
	removeAction: v.object({ id }),
	// A draft names the version it started from (0 for the first), and any amendment worked into it.
	saveVision: v.object({
		body: text('The draft', 1, vision.VISION_MAX),
		base: wholeNumber(0, vision.VERSION_MAX, 'Unknown version.'),
		merges: v.optional(v.union([v.literal(''), id]), '')
	}),
	storyOnBehalf: v.object({
		name: v.optional(v.union([v.literal(''), text('Their name', 1, 40)]), ''),
		kind: v.picklist(['good', 'bad'], 'Was it good or bad service?'),
		title: text('The title', 1, STORY_LIMITS.title),
		body: text('What happened', 1, STORY_LIMITS.body),
		consent: v.picklist(['room', 'library_anonymous', 'library_named'], 'Choose who may see the story.')
	}),
	amendment: v.object({ id, decision: v.picklist(['accepted', 'declined'], 'Unknown decision.') }),
	closeVote: v.object({ id }),
	reveal: v.object({ id }),
	runoff: v.object({ id }),
	breakTie: v.object({ id, winner: id })
};

/** The workshop this page drives; 404 for anyone who may not drive it (no hint that it exists). */
async function driven({ params, locals }: RequestEvent) {
	const code = normaliseJoinCode(params.code ?? '');
	const workshop = code && (await workshops.forDriver(locals.db, code));
	if (!code || !workshop) error(404, 'No workshop with that code that you facilitate.');
	return { code, ...workshop };
}

export const load: PageServerLoad = async (event) => {
	const { code, id, hasScreenLink } = await driven(event);
	const first = await snapshot(system(), id, 'facilitator');
	if (!first) error(404, 'This workshop no longer exists.');
	return {
		code,
		snapshot: first,
		hasScreenLink,
		joinUrl: joinUrl(event.url, code),
		visionWordLimit: vision.VISION_WORD_LIMIT
	};
};

/** Validates a control's form, runs it as the signed-in facilitator, and reports a refusal. */
async function control<T extends keyof typeof Schemas>(
	event: RequestEvent,
	kind: T,
	run: (id: string, input: v.InferOutput<(typeof Schemas)[T]>) => Promise<unknown>
) {
	const { id } = await driven(event);
	const parsed = parseForm(
		await event.request.formData(),
		Schemas[kind] as v.ObjectSchema<v.ObjectEntries, undefined>
	);
	if (!parsed.ok) return rejectForm(400, parsed.errors, parsed.values);
	const result = await run(id, parsed.data as v.InferOutput<(typeof Schemas)[T]>);
	if (result === false)
		return rejectForm(409, {
			form: 'That changed nothing (the workshop may have ended, or the timer was not running).'
		});
	return { done: kind, ...(typeof result === 'string' ? { screenLink: result } : {}) };
}

/**
 * Saves the vision draft on top of the version it started from. A save from an older version is
 * refused, never saved over what the facilitator has not seen: their words come back with the latest.
 */
async function saveVision(event: RequestEvent) {
	const { id } = await driven(event);
	const parsed = parseForm(await event.request.formData(), Schemas.saveVision);
	if (!parsed.ok) return rejectForm(400, parsed.errors, parsed.values);
	const { body, base, merges } = parsed.data;
	const outcome = await vision.saveDraft(event.locals.db, id, { body, base, merges: merges || null });
	if (!outcome) return rejectForm(409, { form: 'The draft was not saved: this workshop is not live.' });
	if ('saved' in outcome) return { done: 'saveVision' as const, version: outcome.saved, body };
	const latest = outcome.stale;
	const values = { body, base: String(base), merges };
	const message = latest
		? `Not saved: version ${latest.version} was saved after you started from version ${base}. Your words are still in the box — compare them with version ${latest.version}, then take the latest version or save yours on top of it.`
		: 'Not saved: that version of the draft does not exist. Your words are still in the box.';
	return fail(409, { errors: { body: message }, values, latest });
}

/** Accepts (a new version) or declines an amendment; working one in by hand goes through saveVision. */
async function amendment(event: RequestEvent) {
	const { id } = await driven(event);
	const parsed = parseForm(await event.request.formData(), Schemas.amendment);
	if (!parsed.ok) return rejectForm(400, parsed.errors, parsed.values);
	try {
		if (await vision.decide(event.locals.db, id, parsed.data.id, parsed.data.decision))
			return { done: 'amendment' as const };
		return rejectForm(409, { form: 'This amendment was decided already, or the workshop is not live.' });
	} catch (err) {
		if (err instanceof vision.AmendmentRefusedError) return rejectForm(409, { form: err.message });
		throw err;
	}
}

export const actions: Actions = {
	stage: (event) =>
		control(event, 'stage', (id, input) =>
			workshops.setStage(event.locals.db, id, input.stage, input.carry === 'on')
		),
	wall: (event) => control(event, 'wall', (id, input) => workshops.wall(event.locals.db, id, input.action)),
	prompt: (event) =>
		control(event, 'prompt', (id, input) =>
			workshops.setPrompt(event.locals.db, id, input.stage, input.prompt)
		),
	timer: (event) =>
		control(event, 'timer', (id, input) =>
			workshops.timer(event.locals.db, id, input.action, Math.round(input.minutes * 60))
		),
	lock: (event) =>
		control(event, 'lock', (id, input) =>
			workshops.setPostingLocked(event.locals.db, id, input.locked === 'on')
		),
	joining: (event) =>
		control(event, 'joining', (id, input) =>
			workshops.setJoiningClosed(event.locals.db, id, input.closed === 'on')
		),
	personalVision: (event) =>
		control(event, 'personalVision', (id, input) =>
			personalVisions.setStage(event.locals.db, id, input.stage)
		),
	visionWall: (event) =>
		control(event, 'visionWall', (id, input) =>
			personalVisions.showOnScreen(event.locals.db, id, input.shown === 'on')
		),
	hideVision: (event) =>
		control(event, 'hideVision', (id, input) =>
			personalVisions.setHidden(event.locals.db, id, input.id, input.hidden === 'on')
		),
	remove: (event) => control(event, 'remove', (_, input) => participants.remove(event.locals.db, input.id)),
	hide: (event) =>
		control(event, 'hide', (id, input) =>
			workshops.setHiddenUntilReveal(event.locals.db, id, input.hidden === 'on')
		),
	end: (event) => control(event, 'end', (id) => workshops.end(event.locals.db, id)),
	moderate: (event) =>
		control(event, 'moderate', (id, input) =>
			stories.setHidden(event.locals.db, id, input.id, input.hidden === 'on')
		),
	spotlight: (event) =>
		control(event, 'spotlight', (id, input) => stories.spotlight(event.locals.db, id, input.id || null)),
	// The presenter's "next spotlight": the next visible story, newest first, wrapping round.
	spotlightNext: (event) =>
		control(
			event,
			'spotlightNext',
			async (id) => (await stories.spotlightNext(event.locals.db, id)) !== null
		),
	cry: (event) =>
		control(event, 'cry', (id, input) =>
			rallyingCries.setHidden(event.locals.db, id, input.id, input.hidden === 'on')
		),
	openVote: (event) =>
		control(event, 'openVote', async (id, input) => {
			const rules = { subject: 'rallying_cry' as const, method: input.method, dots: input.dots };
			return (await votes.open(event.locals.db, id, { ...rules, mayStack: input.stack === 'on' })) !== null;
		}),
	obstacle: (event) =>
		control(event, 'obstacle', (id, input) =>
			obstacles.setHidden(event.locals.db, id, input.id, input.hidden === 'on')
		),
	merge: async (event) => {
		try {
			return await control(event, 'merge', (_, input) => {
				if (input.from === input.into)
					throw new obstacles.MergeRefusedError('Choose two different obstacles.');
				return obstacles.merge(event.locals.db, input.from, input.into);
			});
		} catch (err) {
			if (err instanceof obstacles.MergeRefusedError) return rejectForm(409, { form: err.message });
			throw err;
		}
	},
	openDots: (event) =>
		control(event, 'openDots', async (id, input) => {
			const rules = { subject: 'obstacles' as const, method: 'dot' as const, dots: input.dots };
			return (await votes.open(event.locals.db, id, { ...rules, mayStack: input.stack === 'on' })) !== null;
		}),
	addAction: (event) =>
		control(event, 'addAction', (id, input) =>
			obstacles.addAction(event.locals.db, id, {
				obstacleId: input.obstacle || null,
				title: input.title,
				ownerName: input.owner,
				dueOn: input.due || null
			})
		),
	storyOnBehalf: (event) =>
		control(event, 'storyOnBehalf', (id, input) => {
			const story = { ...input, perspective: 'customer' as const, feeling: null, company: null, themes: [] };
			return stories.postOnBehalf(event.locals.db, id, story, input.name || null);
		}),
	// A ballot for someone without a phone: their name, and the same fields as a phone's ballot.
	ballotOnBehalf: async (event) => {
		const { id: workshopId } = await driven(event);
		const form = await event.request.formData();
		const name = v.safeParse(text('Their name', 1, 40), form.get('name') ?? '');
		form.delete('name');
		if (!name.success) return rejectForm(400, { form: name.issues[0].message });
		const voteId = v.safeParse(id, form.get('vote'));
		const vote = voteId.success ? await votes.get(event.locals.db, voteId.output) : null;
		if (!vote || vote.workshopId !== workshopId)
			return rejectForm(409, { form: 'This vote has closed; reload the page.' });
		const parsed = parseBallot(form, vote, await votes.choices(event.locals.db, vote.id));
		if (!parsed.ok) return rejectForm(400, parsed.errors);
		try {
			await votes.castOnBehalf(event.locals.db, workshopId, vote.id, name.output, parsed.data.choices);
		} catch (err) {
			if (err instanceof votes.BallotRefusedError) return rejectForm(409, { form: err.message });
			throw err;
		}
		return { done: 'ballotOnBehalf' };
	},
	saveVision,
	amendment,
	removeAction: (event) =>
		control(event, 'removeAction', (id, input) => obstacles.removeAction(event.locals.db, id, input.id)),
	closeVote: (event) => control(event, 'closeVote', (_, input) => votes.close(event.locals.db, input.id)),
	reveal: (event) =>
		control(event, 'reveal', async (_, input) => (await votes.reveal(event.locals.db, input.id)) !== null),
	runoff: (event) =>
		control(event, 'runoff', async (_, input) => (await votes.runoff(event.locals.db, input.id)) !== null),
	breakTie: (event) =>
		control(event, 'breakTie', (_, input) => votes.breakTie(event.locals.db, input.id, input.winner)),
	screen: (event) =>
		control(event, 'screen', async (id, input) => {
			if (input.link === 'revoke') return workshops.revokeScreenLink(event.locals.db, id);
			const token = await workshops.createScreenLink(event.locals.db, id);
			return token && `${event.url.origin}/w/${(await driven(event)).code}/screen?key=${token}`;
		})
};
