import type { Row } from '$lib/server/db/rows';
import * as obstacles from '$lib/server/obstacles';
import { loadPhonePage, phoneAction, readyAction, voteAction } from '$lib/server/http/phone';
import * as votes from '$lib/server/votes';
import { parseForm, text } from '$lib/validation';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';

const id = v.pipe(v.string(), v.uuid('Unknown item.'));
const Obstacle = v.object({ text: text('The obstacle', 1, obstacles.OBSTACLE_MAX) });
const FromStory = v.object({ story: id });
const Withdrawal = v.object({ id });
const Fix = v.object({ id, fix: text('The fix', 1, 280) });

export const load: PageServerLoad = (event) =>
	loadPhonePage(event, async (db, participant) => {
		const vote = await votes.latest(db, participant.workshopId, 'obstacles');
		const mine = await db.query<Pick<Row<'obstacles'>, 'id'>>(
			`select id from obstacles where participant_id = $1`,
			[participant.id]
		);
		return {
			myObstacles: mine.map((row) => row.id),
			myBallot: vote ? await votes.myBallot(db, participant, vote.id) : null
		};
	});

export const actions: Actions = {
	obstacle: phoneAction({
		form: 'obstacle',
		parse: (form) => parseForm(form, Obstacle),
		run: async (db, participant, { text }) => {
			await obstacles.post(db, participant, { text });
			return { posted: 'obstacle' };
		}
	}),
	fromStory: phoneAction({
		form: 'fromStory',
		parse: (form) => parseForm(form, FromStory),
		run: async (db, participant, { story }) => {
			await obstacles.post(db, participant, { fromStoryId: story });
			return { posted: 'fromStory' };
		}
	}),
	withdraw: phoneAction({
		form: 'withdraw',
		parse: (form) => parseForm(form, Withdrawal),
		run: async (db, participant, { id }) => {
			await obstacles.withdraw(db, participant, id);
			return { posted: 'withdraw' };
		}
	}),
	fix: phoneAction({
		form: 'fix',
		parse: (form) => parseForm(form, Fix),
		run: async (db, participant, { id, fix }) => {
			await obstacles.proposeFix(db, participant, id, fix);
			return { posted: 'fix' };
		}
	}),
	vote: voteAction('obstacles'),
	ready: readyAction
};
