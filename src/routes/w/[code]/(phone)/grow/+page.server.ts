import type { Handle } from '$lib/server/db';
import { formValues } from '$lib/server/forms';
import { PostingClosedError } from '$lib/server/moods';
import * as obstacles from '$lib/server/obstacles';
import * as participants from '$lib/server/participants';
import { phone, readyAction, redirectToStage, refuse, refuseClosed, voteAction } from '$lib/server/phone';
import * as votes from '$lib/server/votes';
import { parseForm, text } from '$lib/validation';
import type { RequestEvent } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';

const id = v.pipe(v.string(), v.uuid('Unknown item.'));
const Schemas = {
	obstacle: v.object({ text: text('The obstacle', 1, obstacles.OBSTACLE_MAX) }),
	fromStory: v.object({ story: id }),
	withdraw: v.object({ id }),
	fix: v.object({ id, fix: text('The fix', 1, 280) })
};

export const load: PageServerLoad = async (event) => {
	const { code, snapshot } = await event.parent();
	redirectToStage(code, snapshot.workshop, event.url.pathname);
	const { participant, db } = phone(event);
	const vote = snapshot.grow.vote;
	const mine = await db.query<{ id: string }>(`select id from obstacles where participant_id = $1`, [
		participant.id
	]);
	return {
		myObstacles: mine.map((row) => row.id),
		myBallot: vote ? await votes.myBallot(db, participant, vote.id) : null
	};
};

/** Runs a participant's Grow action, turning a refusal into words for the phone. */
async function act<T extends keyof typeof Schemas>(
	event: RequestEvent,
	kind: T,
	run: (
		db: Handle,
		me: participants.Participant,
		input: v.InferOutput<(typeof Schemas)[T]>
	) => Promise<unknown>
) {
	const { participant, db } = phone(event);
	const form = await event.request.formData();
	const parsed = parseForm(form, Schemas[kind] as v.ObjectSchema<v.ObjectEntries, undefined>);
	if (!parsed.ok) return refuse(kind, 400, parsed.errors, parsed.values);
	try {
		await run(db, participant, parsed.data as v.InferOutput<(typeof Schemas)[T]>);
	} catch (err) {
		if (err instanceof PostingClosedError) return refuseClosed(kind, err, formValues(form));
		throw err;
	}
	return { posted: kind };
}

export const actions: Actions = {
	obstacle: (event) =>
		act(event, 'obstacle', (db, me, input) => obstacles.post(db, me, { text: input.text })),
	fromStory: (event) =>
		act(event, 'fromStory', (db, me, input) => obstacles.post(db, me, { fromStoryId: input.story })),
	withdraw: (event) => act(event, 'withdraw', (db, me, input) => obstacles.withdraw(db, me, input.id)),
	fix: (event) => act(event, 'fix', (db, me, input) => obstacles.proposeFix(db, me, input.id, input.fix)),
	vote: voteAction('obstacles'),
	ready: readyAction
};
