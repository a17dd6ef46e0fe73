// Demo data for an empty database: an organisation, a finished workshop with its stories, vision and
// rallying cry, and a workshop ready to run as DEMO42. A system job, so it uses the owner connection.
import type { Database, Handle } from './db';
import type { Row } from './db/rows';
import { createUser } from './accounts';
import { hashToken, newToken } from './tokens';
import * as votes from './votes';

export const DEMO_EMAIL = 'demo@example.com';
export const DEMO_LEADER_EMAIL = 'leader@example.com';
export const DEMO_JOIN_CODE = 'DEMO42';

/** A story as posted, with who told it and how many reactions it drew. */
type DemoStory = Pick<
	Row<'stories'>,
	'kind' | 'perspective' | 'title' | 'body' | 'feeling' | 'company' | 'themes' | 'consent'
> & { author: string | null; reactions: number };

const STORIES: DemoStory[] = [
	{
		author: 'Marco',
		kind: 'good',
		perspective: 'employee',
		title: 'Eight hundred call-backs after the lines went dark',
		body:
			'Road works outside our Melbourne contact centre cut through the main cable **and** the backup. ' +
			'We were unreachable for a whole day and roughly 800 customers could not get through.\n\n' +
			'Our manager took the list home and rang every one of them back over the weekend, including an ' +
			'eight-hour stretch on the Sunday. He never told anyone he was the manager; he just apologised and ' +
			'sorted each problem.',
		feeling: 'Surprised to be called back at all, and looked after.',
		company: 'Contact centre',
		themes: ['ownership', 'follow-through'],
		consent: 'library_named',
		reactions: 9
	},
	{
		author: null,
		kind: 'good',
		perspective: 'customer',
		title: 'Broken links fixed before bedtime',
		body:
			"At 8:46 pm I used a city council's feedback form to report some broken links on its website. " +
			'The site administrator, who had finished work at 4:30, fixed them and wrote back to me personally ' +
			'at 9:51 pm. When I said thank you, he answered that too, at 10:21 pm.',
		feeling: 'Heard, and a little amazed.',
		company: 'Local government (New Zealand)',
		themes: ['speed', 'personal touch'],
		consent: 'library_anonymous',
		reactions: 7
	},
	{
		author: 'Priya',
		kind: 'bad',
		perspective: 'customer',
		title: 'Six calls to change one phone',
		body:
			'Swapping a single handset on our mobile plan took about six calls, eight or nine different ' +
			'representatives across two departments, and a last call of almost two hours.\n\n' +
			'Nobody could see what the previous person had done, so I explained it all again every time. In the ' +
			'end one warm, capable person took ownership and it was done in **ten minutes**.',
		feeling: 'Exhausted and ignored, until the very end.',
		company: 'Mobile network',
		themes: ['accountability', 'hand-offs', 'records'],
		consent: 'library_named',
		reactions: 11
	},
	{
		author: null,
		kind: 'bad',
		perspective: 'customer',
		title: '"Is there anything else?"',
		body:
			'Living abroad, I asked a telecom to refund money I had paid for a service it never provided ' +
			'where I live. The escalation manager said no, asked "Is there anything else?" and hung up before ' +
			'I could answer.',
		feeling: 'Dismissed.',
		company: 'Telecommunications',
		themes: ['empathy', 'listening'],
		consent: 'library_anonymous',
		reactions: 8
	},
	{
		author: 'Sam',
		kind: 'good',
		perspective: 'customer',
		title: 'The replacement arrived before the return',
		body:
			'A pair of shoes I bought online arrived torn. The retailer sent a new pair within two days, ' +
			'before the damaged ones had even gone back to them.',
		feeling: 'Trusted.',
		company: 'Online shoe retailer',
		themes: ['trust', 'speed'],
		consent: 'library_named',
		reactions: 5
	},
	{
		author: null,
		kind: 'good',
		perspective: 'customer',
		title: 'A human in under a minute',
		body:
			"I rang a fuel retailer's free number about a charge I didn't recognise. A person answered within " +
			'a minute and explained that my mobile wallet had placed a temporary pre-authorisation hold; it was ' +
			'not the real charge.',
		feeling: 'Relieved, and clear about what had happened.',
		company: 'Fuel retailer',
		themes: ['clarity', 'speed'],
		consent: 'room',
		reactions: 4
	}
];

const OBSTACLES: [string, number][] = [
	['Nobody is accountable for finishing the task', 14],
	['No record of past interactions, so customers repeat themselves', 12],
	['Hand-offs between departments', 9],
	['Representatives are not empowered to fix things', 7],
	['No escalation guideline', 5],
	['Call routing nobody monitors', 3],
	['Tone and warmth are never coached', 2]
];

const VISION_DRAFTS = [
	'Customers feel heard and helped.',
	'Every customer leaves feeling **heard, helped and respected**: the first person they reach owns the problem until it is solved.'
];

const RALLYING_CRIES: [string, number][] = [
	["Let's Go!", 11],
	['Own it to the end', 7],
	['One call, done', 5]
];

const MOODS: [number, string][] = [
	[5, 'A barista remembered my order on a terrible morning'],
	[2, 'Forty minutes on hold to change an address'],
	[4, 'The airline rebooked me before I even asked'],
	[3, 'Polite, but I had to explain everything twice'],
	[1, 'Chatbot loop with no way to reach a person']
];

async function insertParticipants(
	tx: Handle,
	workshopId: string,
	names: (string | null)[]
): Promise<string[]> {
	const ids: string[] = [];
	for (const name of names) {
		const [row] = await tx.query<Pick<Row<'participants'>, 'id'>>(
			`insert into participants (workshop_id, display_name) values ($1, $2) returning id`,
			[workshopId, name]
		);
		// Demo participants get a secret nobody holds: they exist only as the authors of the demo content.
		await tx.query(`insert into participant_secrets (participant_id, token_hash) values ($1, $2)`, [
			row!.id,
			hashToken(newToken())
		]);
		ids.push(row!.id);
	}
	return ids;
}

async function seedFinishedWorkshop(tx: Handle, orgId: string, facilitatorId: string): Promise<void> {
	const [workshop] = await tx.query<Pick<Row<'workshops'>, 'id'>>(
		`insert into workshops (org_id, title, team_name, join_code, status, stage, created_by, created_at, started_at, ended_at)
		 values ($1, 'Service excellence kick-off', 'Customer Care, Melbourne', 'KCK7QP', 'live', 'wrapup', $2,
		         now() - interval '14 days', now() - interval '14 days', null)
		 returning id`,
		[orgId, facilitatorId]
	);
	const workshopId = workshop!.id;
	const crowd = await insertParticipants(tx, workshopId, [
		'Marco',
		null,
		'Priya',
		null,
		'Sam',
		null,
		'Lena',
		'Tom',
		null,
		'Aroha',
		'Jun',
		null
	]);
	const authorFor = (name: string | null, index: number) =>
		name ? crowd[['Marco', 'Priya', 'Sam'].indexOf(name) * 2]! : crowd[index * 2 + 1]!;

	for (const [index, [score, line]] of MOODS.entries()) {
		await tx.query(`insert into moods (workshop_id, participant_id, score, line) values ($1, $2, $3, $4)`, [
			workshopId,
			crowd[index + 5]!,
			score,
			line
		]);
	}

	const storyIds: string[] = [];
	for (const [index, story] of STORIES.entries()) {
		const [row] = await tx.query<Pick<Row<'stories'>, 'id'>>(
			`insert into stories (workshop_id, kind, perspective, title, body, feeling, company, themes, consent,
			                      author_name, idempotency_key, created_at)
			 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, gen_random_uuid(), now() - interval '14 days' + make_interval(mins => $11))
			 returning id`,
			[
				workshopId,
				story.kind,
				story.perspective,
				story.title,
				story.body,
				story.feeling,
				story.company,
				story.themes,
				story.consent,
				story.consent === 'library_named' ? story.author : null,
				20 + index * 3
			]
		);
		const author = authorFor(story.author, index);
		await tx.query(`insert into story_authors (story_id, participant_id) values ($1, $2)`, [row!.id, author]);
		const reactors = crowd.filter((id) => id !== author).slice(0, story.reactions);
		for (const [n, participantId] of reactors.entries()) {
			await tx.query(
				`insert into reactions (story_id, participant_id, workshop_id, kind) values ($1, $2, $3, $4)`,
				[row!.id, participantId, workshopId, ['heart', 'clap', 'wow'][n % 3]]
			);
		}
		storyIds.push(row!.id);
	}

	for (const phrase of [
		'heard',
		'respected',
		'helped the first time',
		'heard',
		'looked after',
		'respected',
		'heard'
	]) {
		await tx.query(`insert into phrases (workshop_id, participant_id, text) values ($1, $2, $3)`, [
			workshopId,
			crowd[phrase.length % crowd.length]!,
			phrase
		]);
	}

	const obstacleIds: string[] = [];
	for (const [index, [text]] of OBSTACLES.entries()) {
		const [row] = await tx.query<Pick<Row<'obstacles'>, 'id'>>(
			`insert into obstacles (workshop_id, participant_id, text, from_story_id) values ($1, $2, $3, $4) returning id`,
			[workshopId, crowd[index % crowd.length]!, text, index === 2 ? storyIds[2]! : null]
		);
		obstacleIds.push(row!.id);
	}
	const [dotVote] = await tx.query<Pick<Row<'votes'>, 'id'>>(
		`insert into votes (workshop_id, subject, method, dots, may_stack, status, closed_at)
		 values ($1, 'obstacles', 'dot', 5, true, 'closed', now() - interval '14 days')
		 returning id`,
		[workshopId]
	);
	// Spread each obstacle's dots over the room (52 dots, 12 people: at most five each).
	const dots = new Map<string, string[]>();
	let voter = 0;
	for (const [index, [, count]] of OBSTACLES.entries()) {
		for (let i = 0; i < count; i++) {
			const who = crowd[voter++ % crowd.length]!;
			dots.set(who, [...(dots.get(who) ?? []), obstacleIds[index]!]);
		}
	}
	for (const [participantId, choices] of dots) {
		await tx.query(
			`insert into ballots (vote_id, workshop_id, participant_id, choices) values ($1, $2, $3, $4)`,
			[dotVote!.id, workshopId, participantId, JSON.stringify(choices)]
		);
	}
	await tx.query(
		`insert into fixes (obstacle_id, workshop_id, participant_id, text) values
		 ($1, $3, $4, 'Whoever picks up the call owns it until the customer confirms it is done'),
		 ($2, $3, $5, 'One shared case history that every department can see')`,
		[obstacleIds[0]!, obstacleIds[1]!, workshopId, crowd[0]!, crowd[2]!]
	);
	await tx.query(
		`insert into action_items (workshop_id, obstacle_id, title, owner_name, due_on, created_by) values
		 ($1, $2, 'Introduce case ownership: first contact owns the case to closure', 'Marco', current_date + 30, $4),
		 ($1, $3, 'Pilot a shared interaction history across billing and support', 'Priya', current_date + 60, $4)`,
		[workshopId, obstacleIds[0]!, obstacleIds[1]!, facilitatorId]
	);
	// Two weeks on, the second is under way (the Actions page shows its log).
	await tx.query(
		`with started as (
		   update action_items set status = 'in_progress', updated_at = now() - interval '3 days'
		   where workshop_id = $1 and obstacle_id = $2 returning id, workshop_id
		 )
		 insert into action_updates (action_id, workshop_id, author_id, status, note, created_at)
		 select id, workshop_id, $3, 'in_progress', 'Billing and support agreed the pilot; IT scoping next week.',
		        now() - interval '3 days'
		 from started`,
		[workshopId, obstacleIds[1]!, facilitatorId]
	);

	for (const [index, body] of VISION_DRAFTS.entries()) {
		await tx.query(
			`insert into vision_versions (workshop_id, version, body, created_by, created_at)
			 values ($1, $2, $3, $4, now() - interval '14 days' + make_interval(mins => $5))`,
			[workshopId, index + 1, body, facilitatorId, 90 + index * 10]
		);
	}
	await tx.query(
		`insert into vision_amendments (workshop_id, participant_id, target, proposed, status, decided_at)
		 values ($1, $2, 'heard and helped', 'heard, helped and respected', 'merged', now() - interval '14 days')`,
		[workshopId, crowd[3]!]
	);

	const cryIds: string[] = [];
	for (const [index, [text]] of RALLYING_CRIES.entries()) {
		const [row] = await tx.query<Pick<Row<'rallying_cries'>, 'id'>>(
			`insert into rallying_cries (workshop_id, participant_id, text) values ($1, $2, $3) returning id`,
			[workshopId, crowd[index]!, text]
		);
		cryIds.push(row!.id);
	}
	const [cryVote] = await tx.query<Pick<Row<'votes'>, 'id'>>(
		`insert into votes (workshop_id, subject, method, status, closed_at, winner_id)
		 values ($1, 'rallying_cry', 'single', 'closed', now() - interval '14 days', $2)
		 returning id`,
		[workshopId, cryIds[0]!]
	);
	let ballot = 0;
	for (const [index, [, count]] of RALLYING_CRIES.entries()) {
		for (let i = 0; i < count && ballot < crowd.length; i++, ballot++) {
			await tx.query(
				`insert into ballots (vote_id, workshop_id, participant_id, choices) values ($1, $2, $3, $4)`,
				[cryVote!.id, workshopId, crowd[ballot]!, JSON.stringify([cryIds[index]!])]
			);
		}
	}
	// Revealed as the room saw it then: the result stored, at the time the votes closed.
	for (const vote of [dotVote!.id, cryVote!.id]) {
		await votes.revealAsOwner(tx, vote);
		await tx.query(`update votes set revealed_at = closed_at where id = $1`, [vote]);
	}

	await tx.query(
		`update workshops set rallying_cry_id = $2, spotlight_story_id = $3, status = 'ended',
		        ended_at = now() - interval '14 days' + interval '2 hours'
		 where id = $1`,
		[workshopId, cryIds[0]!, storyIds[0]!]
	);
	await tx.query(
		`update stories set library_at = now() - interval '14 days' where workshop_id = $1 and consent <> 'room'`,
		[workshopId]
	);
	// Two stories start the featured collection, so leaders see what featuring is for.
	await tx.query(
		`update stories set featured_at = library_at where id = any($1::uuid[]) and library_at is not null`,
		[[storyIds[0], storyIds[2]]]
	);
}

/**
 * Seeds the demo on an empty database and returns what it created; does nothing (null) when any
 * organisation exists. The password is `password` (DEMO_PASSWORD, or a generated one).
 */
export async function seedDemo(db: Database, password: string): Promise<{ orgId: string } | null> {
	return db.transaction(async (tx) => {
		await tx.query(`select pg_advisory_xact_lock(hashtext('cx-workshop:demo'))`);
		const [existing] = await tx.query(`select 1 from organisations limit 1`);
		if (existing) return null;

		const [org] = await tx.query<Pick<Row<'organisations'>, 'id'>>(
			`insert into organisations (name, is_demo) values ('Harbour Telecom (demo)', true) returning id`
		);
		const orgId = org!.id;
		const facilitatorId = await createUser(tx, {
			email: DEMO_EMAIL,
			displayName: 'Dana Facilitator',
			password
		});
		const leaderId = await createUser(tx, { email: DEMO_LEADER_EMAIL, displayName: 'Lee Leader', password });
		await tx.query(
			`insert into memberships (org_id, user_id, role) values ($1, $2, 'owner'), ($1, $3, 'leader')`,
			[orgId, facilitatorId, leaderId]
		);
		await seedFinishedWorkshop(tx, orgId, facilitatorId);
		await tx.query(
			`insert into workshops (org_id, title, team_name, join_code, created_by, stage_settings)
			 values ($1, 'Customer excellence workshop', 'Billing & Support', $2, $3, $4)`,
			[
				orgId,
				DEMO_JOIN_CODE,
				facilitatorId,
				JSON.stringify({
					explore: { prompt: 'Think of a recent moment as a customer. How did it leave you feeling?' }
				})
			]
		);
		return { orgId };
	});
}
