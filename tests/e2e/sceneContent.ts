// Worst-case content for the projector's scenes, written straight into a data directory with the
// app's own migrator and demo seed before the server starts (seconds, where phones would take
// minutes): 200 names, 60 stories of up to 4,000 characters, 30 phrases, 40 obstacles, a four-way
// tie, 60-character cries, 12 cries counted over 6 runoff rounds, 40 personal visions of up to 400
// characters with 200-character commitments (and an empty wall of them). Votes are left open with
// their ballots in; the test reveals them through the control panel, as a facilitator would.
import { closeDatabase, openDatabase, type Handle } from '$lib/server/db';
import { seedDemo } from '$lib/server/demo';
import { PGlite } from '@electric-sql/pglite';
import { readFile } from 'node:fs/promises';
import { inject } from 'vitest';
import { DEMO_PASSWORD } from './server';

/** One workshop per scene, each in the state its scene shows. */
export const SCENES = {
	lobby: 'SCENE2',
	explore: 'SCENE3',
	dream: 'SCENE4',
	spotlight: 'SCENE5',
	grow: 'SCENE6',
	ranking: 'SCENE7',
	excite: 'SCENE8',
	runoff: 'SCENE9',
	tie: 'SCENEA',
	wrapup: 'SCENEB',
	ended: 'SCENEC',
	visions: 'SCENED',
	visionsEmpty: 'SCENEE'
} as const;
export type Scene = keyof typeof SCENES;

/** Votes the test reveals through the panel (wrap-up and ended reveal both of theirs). */
export interface SeededVotes {
	ranking: string;
	runoff: string;
	tie: string;
	wrapup: string[];
	ended: string[];
}

const WORDS = (
	'the customer rang back twice about a refund that nobody owned and each agent started again from ' +
	'the beginning until one person took the case home wrote everything down called the bank and ' +
	'fixed it before the weekend without being asked our team learnt that ownership beats process ' +
	'every single time when someone listens properly and follows through'
).split(' ');

/** Deterministic words, so every run renders the same scene. */
function words(count: number, seed: number): string {
	const out: string[] = [];
	for (let i = 0; i < count; i++) out.push(WORDS[(seed * 7 + i * 13 + ((i * i) % 5)) % WORDS.length]!);
	const text = out.join(' ');
	return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Exactly `length` characters of sentence-like text. */
function sized(length: number, seed: number): string {
	let text = '';
	for (let n = 0; text.length < length; n++) text += `${words(8 + ((seed + n) % 9), seed + n)}. `;
	return text.slice(0, length).trimEnd().padEnd(length, '.');
}

/** A story body of up to 4,000 characters in the markdown phones write: paragraphs, a list, a quote, a long link. */
function storyBody(length: number, seed: number): string {
	if (length < 400) return sized(length, seed);
	const parts = [
		sized(Math.floor(length * 0.3), seed),
		`- ${sized(60, seed + 1)}\n- **${sized(40, seed + 2)}**\n- ${sized(50, seed + 3)}`,
		`> ${sized(Math.floor(length * 0.15), seed + 4)}`,
		`The case was https://support.example.com/cases/${'9'.repeat(40)}/history?from=agent&to=manager.`,
		sized(Math.floor(length * 0.25), seed + 5)
	];
	const body = parts.join('\n\n');
	return (body + '\n\n' + sized(Math.max(1, length - body.length - 2), seed + 6)).slice(0, length);
}

const FIRST = ['Ana', 'Ben', 'Cara', 'Dev', 'Eleni', 'Farhan', 'Grace', 'Hiroshi', 'Ines', 'Jun', 'Kofi'];
const LONG_NAMES = [
	'Maximiliana Alexandra Fitzgerald-Smythe',
	'Oluwaseun Adebayo-Okonkwo',
	'Siobhán Ní Mhaoldomhnaigh',
	'Bartholomew Featherstonehaugh'
];

/** Display names of every length up to the 40 allowed, as a real room types them. */
function names(count: number): string[] {
	return Array.from({ length: count }, (_, i) =>
		i % 9 === 4 ? LONG_NAMES[i % LONG_NAMES.length]! : `${FIRST[i % FIRST.length]!} ${i + 1}`
	);
}

interface Setup {
	title?: string;
	stage: string;
	status?: 'live' | 'ended';
	prompt?: string;
	timerMinutes?: number;
}

async function workshop(tx: Handle, org: string, facilitator: string, code: string, setup: Setup) {
	const [row] = await tx.query<{ id: string }>(
		`insert into workshops (org_id, title, team_name, join_code, status, stage, created_by, started_at,
		                        stage_settings, timer_ends_at)
		 values ($1, $2, 'Billing, Support and the Customer Care Centre of Excellence', $3, 'live', $4, $5, now(),
		         $6, now() + make_interval(mins => $7::int))
		 returning id`,
		[
			org,
			setup.title ?? 'Customer excellence workshop for the whole of Billing and Support',
			code,
			setup.stage,
			facilitator,
			JSON.stringify(setup.prompt ? { [setup.stage]: { prompt: setup.prompt } } : {}),
			setup.timerMinutes ?? null
		]
	);
	return row!.id;
}

async function people(tx: Handle, workshopId: string, count: number): Promise<string[]> {
	const rows = await tx.query<{ id: string }>(
		`insert into participants (workshop_id, display_name, joined_at)
		 select $1, name, now() - make_interval(secs => (n * 7)::int)
		 from unnest($2::text[]) with ordinality as t(name, n)
		 returning id`,
		[workshopId, names(count)]
	);
	return rows.map((row) => row.id);
}

async function ready(tx: Handle, workshopId: string, stage: string, who: string[]): Promise<void> {
	await tx.query(
		`insert into stage_ready (participant_id, workshop_id, stage) select p, $1, $2 from unnest($3::uuid[]) p`,
		[workshopId, stage, who]
	);
}

async function stories(tx: Handle, workshopId: string, crowd: string[], count: number): Promise<string[]> {
	const ids: string[] = [];
	for (let i = 0; i < count; i++) {
		const longest = i % 4 === 0;
		const [row] = await tx.query<{ id: string }>(
			`insert into stories (workshop_id, kind, perspective, title, body, feeling, company, themes, consent,
			                      idempotency_key, created_at, edited_at)
			 values ($1, $2, $3, $4, $5, $6, $7, $8, 'room', gen_random_uuid(), now() - make_interval(mins => $9::int),
			         case when $10 then now() end)
			 returning id`,
			[
				workshopId,
				i % 5 === 2 || i % 5 === 4 ? 'bad' : 'good',
				i % 2 ? 'customer' : 'employee',
				longest ? sized(120, i) : words(3 + (i % 6), i),
				storyBody(longest ? 4000 : 120 + ((i * 97) % 900), i),
				i % 3 ? sized(200, i + 50) : null,
				i % 2 ? sized(120, i + 60) : 'Contact centre',
				i % 4 === 0 ? Array.from({ length: 12 }, (_, n) => `theme-${n}-${'x'.repeat(30)}`) : ['ownership'],
				count - i,
				i % 7 === 0
			]
		);
		ids.push(row!.id);
		// A few reactions each (every one rewrites its story's row, 4,000 characters and all).
		for (const [n, kind] of ['heart', 'clap', 'wow', 'sad', 'idea'].entries()) {
			if ((i + n) % 2 === 0) {
				await tx.query(
					`insert into reactions (story_id, participant_id, workshop_id, kind)
					 select $1, p, $2, $3 from unnest($4::uuid[]) p`,
					[row!.id, workshopId, kind, crowd.slice(0, 1 + ((i * 7 + n) % 12))]
				);
			}
		}
	}
	return ids;
}

async function phrases(tx: Handle, workshopId: string, crowd: string[]): Promise<void> {
	for (let i = 0; i < 30; i++) {
		const text = i % 5 === 0 ? sized(80, i + 200) : words(1 + (i % 4), i + 200);
		await tx.query(
			`insert into phrases (workshop_id, participant_id, text) select $1, p, $2 from unnest($3::uuid[]) p`,
			[workshopId, text, crowd.slice(0, 1 + ((30 - i) % 9))]
		);
	}
}

async function obstacles(tx: Handle, workshopId: string, crowd: string[], count: number): Promise<string[]> {
	const ids: string[] = [];
	for (let i = 0; i < count; i++) {
		const [row] = await tx.query<{ id: string }>(
			`insert into obstacles (workshop_id, participant_id, text, created_at)
			 values ($1, $2, $3, now() - make_interval(secs => $4::int)) returning id`,
			[
				workshopId,
				crowd[i]!,
				i % 3 === 0 ? sized(280, i + 300) : words(4 + (i % 9), i + 300),
				(count - i) * 10
			]
		);
		ids.push(row!.id);
		for (let f = 0; f < i % 4; f++) {
			await tx.query(
				`insert into fixes (obstacle_id, workshop_id, participant_id, text) values ($1, $2, $3, $4)`,
				[row!.id, workshopId, crowd[f]!, sized(280, i + f)]
			);
		}
	}
	return ids;
}

async function openVote(
	tx: Handle,
	workshopId: string,
	subject: 'obstacles' | 'rallying_cry',
	method: 'single' | 'dot' | 'ranked',
	ballots: string[][],
	crowd: string[],
	dots = 1
): Promise<string> {
	const [vote] = await tx.query<{ id: string }>(
		`insert into votes (workshop_id, subject, method, dots, may_stack) values ($1, $2, $3, $4, true) returning id`,
		[workshopId, subject, method, dots]
	);
	for (const [index, choices] of ballots.entries()) {
		await tx.query(
			`insert into ballots (vote_id, workshop_id, participant_id, choices) values ($1, $2, $3, $4)`,
			[vote!.id, workshopId, crowd[index]!, JSON.stringify(choices)]
		);
	}
	return vote!.id;
}

/**
 * A dot vote over 40 obstacles where several tie: 9, 9, 7, 7, 7, 5, … dots on the first ones,
 * one dot each on the rest, placed five at a time.
 */
async function dotVote(tx: Handle, workshopId: string, ids: string[], crowd: string[]): Promise<string> {
	const wanted = [9, 9, 7, 7, 7, 5, 4, 4, 3, 2];
	const dots = ids.flatMap((id, index) => Array<string>(wanted[index] ?? 1).fill(id));
	const ballots: string[][] = [];
	for (let i = 0; i < dots.length; i += 5) ballots.push(dots.slice(i, i + 5));
	return openVote(tx, workshopId, 'obstacles', 'dot', ballots, crowd, 5);
}

async function actions(tx: Handle, workshopId: string, obstacleIds: string[], facilitator: string) {
	for (let i = 0; i < 8; i++) {
		await tx.query(
			`insert into action_items (workshop_id, obstacle_id, title, owner_name, due_on, created_by, created_at)
			 values ($1, $2, $3, $4, current_date + $5::int, $6, now() + make_interval(secs => $5::int))`,
			[
				workshopId,
				obstacleIds[i % 5]!,
				i % 2 ? sized(200, i + 400) : words(6, i + 400),
				i % 3 ? sized(120, i + 500) : 'Priya',
				30 + i,
				facilitator
			]
		);
	}
}

const SHORT_CRIES = [
	"Let's Go!",
	'Own it to the end',
	'One call, done',
	'Customers first',
	'Listen, then act',
	'Make it easy',
	'Every call counts',
	'Finish what we start'
];

/** Cries in the order proposed: every third one the full 60 characters, the rest short. */
async function cries(tx: Handle, workshopId: string, crowd: string[], count: number): Promise<string[]> {
	const ids: string[] = [];
	for (let i = 0; i < count; i++) {
		const text =
			i % 3 === 0
				? `${String.fromCharCode(65 + i)} ${sized(58, i + 600)}`
				: SHORT_CRIES[(i - Math.floor(i / 3) - 1) % SHORT_CRIES.length]!;
		const [row] = await tx.query<{ id: string }>(
			`insert into rallying_cries (workshop_id, participant_id, text, proposals, created_at)
			 values ($1, $2, $3, $4, now() + make_interval(secs => $5::int)) returning id`,
			[workshopId, crowd[i]!, text, 1 + (i % 4), i]
		);
		ids.push(row!.id);
	}
	return ids;
}

/**
 * Ranked ballots over 12 cries that take six rounds with one option out in each (no tie for last,
 * so any elimination rule agrees): first choices 36 for the winner (a 60-character cry) and 0–10
 * for the others; each eliminated ballot moves to the winner, who passes half in round six.
 */
function runoffBallots(ids: string[]): string[][] {
	const [winner, ...others] = ids as [string, ...string[]];
	const ballots: string[][] = Array.from({ length: 36 }, () => [winner]);
	others.forEach((id, votes) => {
		for (let i = 0; i < votes; i++) ballots.push([id, winner]);
	});
	return ballots;
}

async function vision(tx: Handle, workshopId: string, facilitator: string, crowd: string[]): Promise<void> {
	const drafts = [
		words(34, 700) + '.',
		'Every customer leaves feeling heard, helped and respected: ' + words(40, 701) + '.'
	];
	for (const [index, body] of drafts.entries()) {
		await tx.query(
			`insert into vision_versions (workshop_id, version, body, created_by) values ($1, $2, $3, $4)`,
			[workshopId, index + 1, body, facilitator]
		);
	}
	await tx.query(
		`insert into vision_checks (workshop_id, participant_id, version, stance)
		 select $1, p, $3, (array['agree', 'agree', 'abstain', 'disagree'])[1 + (row_number() over () % 4)::int]
		 from unnest($2::uuid[]) p`,
		[workshopId, crowd.slice(0, 187), drafts.length]
	);
}

/** The text of the newest personal vision seeded, and of a private one, for the tests to look for. */
export const NEWEST_VISION = 'Vision 0: every customer is greeted by name.';
export const PRIVATE_VISION = 'A private vision nobody else reads';

/**
 * Personal visions, newest first: every third the full 400 characters, every other one with a
 * 200-character commitment, shared in every way (every fifth kept private), then the wall put on
 * the screen in Excite.
 */
async function personalVisions(tx: Handle, workshopId: string, crowd: string[], count: number) {
	const consents = ['room', 'library_named', 'library_anonymous', 'room', 'private'];
	for (let i = 0; i < count; i++) {
		const consent = consents[i % consents.length]!;
		const vision =
			consent === 'private'
				? PRIVATE_VISION
				: i === 0
					? NEWEST_VISION
					: i % 3 === 0
						? sized(400, i + 800)
						: words(8 + (i % 20), i + 800) + '.';
		await tx.query(
			`insert into personal_visions (workshop_id, participant_id, vision, commitment, consent, writer_name, created_at)
			 values ($1, $2, $3, $4, $5, case when $5 in ('room', 'library_named') then (select display_name from participants where id = $2) end,
			         now() - make_interval(secs => $6::int))`,
			[workshopId, crowd[i]!, vision, i % 2 ? sized(200, i + 900) : null, consent, i * 10]
		);
	}
	await tx.query(
		`update workshops set personal_vision_stage = 'dream', visions_on_screen = true where id = $1`,
		[workshopId]
	);
}

/**
 * Starts the data directory from the test run's migrated snapshot (initdb and migrations take
 * seconds), opens it with the app's migrator, seeds the demo and every scene, and closes it.
 */
export async function seedScenes(dataDir: string): Promise<SeededVotes> {
	const snapshot = new Blob([await readFile(inject('pgliteSnapshot'))]);
	await (await PGlite.create({ dataDir: `${dataDir}/pgdata`, loadDataDir: snapshot })).close();
	const db = await openDatabase({ DATA_DIR: dataDir });
	try {
		await seedDemo(db, DEMO_PASSWORD);
		return await db.transaction(async (tx) => {
			// Nobody listens yet: no announcement per row, each of which would also bump the workshop's
			// version (thousands of updates of one row in one transaction take minutes, not seconds).
			const announcers = await tx.query<{ tablename: string; trigger: string }>(
				`select t.tgrelid::regclass::text as tablename, t.tgname as trigger
				 from pg_trigger t join pg_proc p on p.oid = t.tgfoid
				 where p.proname like 'announce%' and not t.tgisinternal`
			);
			for (const { tablename, trigger } of announcers) {
				await tx.query(`alter table ${tablename} disable trigger "${trigger}"`);
			}
			const [owner] = await tx.query<{ org: string; user: string }>(
				`select m.org_id as org, m.user_id as user from memberships m where m.role = 'owner' limit 1`
			);
			const { org, user } = owner!;
			const make = (code: string, setup: Setup) => workshop(tx, org, user, code, setup);

			const lobby = await make(SCENES.lobby, {
				stage: 'lobby',
				title: 'Customer excellence workshop for the whole of Billing, Support and the Contact Centre team'
			});
			await ready(tx, lobby, 'lobby', (await people(tx, lobby, 200)).slice(0, 120));

			const explore = await make(SCENES.explore, {
				stage: 'explore',
				timerMinutes: 10,
				prompt: sized(500, 1)
			});
			const exploreCrowd = await people(tx, explore, 200);
			// Mostly good moods, some poor; lines of every length up to the 140 allowed.
			const scores = exploreCrowd.map((_, n) => [5, 4, 4, 3, 5, 2, 4, 1, 3, 4][n % 10]!);
			const lines = exploreCrowd.map((_, n) => (n % 4 === 0 ? sized(140, n) : words(4 + (n % 15), n)));
			await tx.query(
				`insert into moods (workshop_id, participant_id, score, line, updated_at)
				 select $1, p, score, line, now() - make_interval(secs => n::int)
				 from unnest($2::uuid[], $3::int[], $4::text[]) with ordinality as t(p, score, line, n)`,
				[explore, exploreCrowd, scores, lines]
			);

			const dream = await make(SCENES.dream, { stage: 'dream', timerMinutes: 7 });
			const dreamCrowd = await people(tx, dream, 200);
			await stories(tx, dream, dreamCrowd, 60);
			await phrases(tx, dream, dreamCrowd);

			const spotlight = await make(SCENES.spotlight, { stage: 'dream' });
			const [longest] = await stories(tx, spotlight, await people(tx, spotlight, 160), 1);
			await tx.query(`update workshops set spotlight_story_id = $2 where id = $1`, [spotlight, longest]);

			const grow = await make(SCENES.grow, { stage: 'grow', timerMinutes: 5 });
			const growCrowd = await people(tx, grow, 200);
			await dotVote(tx, grow, await obstacles(tx, grow, growCrowd, 40), growCrowd);

			const ranking = await make(SCENES.ranking, { stage: 'grow' });
			const rankingCrowd = await people(tx, ranking, 200);
			const rankingObstacles = await obstacles(tx, ranking, rankingCrowd, 40);
			const rankingVote = await dotVote(tx, ranking, rankingObstacles, rankingCrowd);
			await actions(tx, ranking, rankingObstacles, user);

			const excite = await make(SCENES.excite, { stage: 'excite', timerMinutes: 3 });
			const exciteCrowd = await people(tx, excite, 200);
			await vision(tx, excite, user, exciteCrowd);
			const exciteCries = await cries(tx, excite, exciteCrowd, 12);
			await openVote(tx, excite, 'rallying_cry', 'ranked', runoffBallots(exciteCries), exciteCrowd);

			const runoff = await make(SCENES.runoff, { stage: 'excite' });
			const runoffCrowd = await people(tx, runoff, 200);
			await vision(tx, runoff, user, runoffCrowd);
			const runoffVote = await openVote(
				tx,
				runoff,
				'rallying_cry',
				'ranked',
				runoffBallots(await cries(tx, runoff, runoffCrowd, 12)),
				runoffCrowd
			);

			const tie = await make(SCENES.tie, { stage: 'excite' });
			const tieCrowd = await people(tx, tie, 200);
			const tieCries = await cries(tx, tie, tieCrowd, 12);
			// Four 60-character cries with 5 votes each, then three short ones with 3, 2 and 1.
			const tieBallots = [0, 3, 6, 9, 1, 2, 4]
				.flatMap((index, rank) => Array<string[]>([5, 5, 5, 5, 3, 2, 1][rank]!).fill([tieCries[index]!]))
				.map((choices) => [...choices]);
			const tieVote = await openVote(tx, tie, 'rallying_cry', 'single', tieBallots, tieCrowd);

			const closing = async (id: string) => {
				const crowd = await people(tx, id, 200);
				await stories(tx, id, crowd, 12);
				await vision(tx, id, user, crowd);
				const obstacleIds = await obstacles(tx, id, crowd, 40);
				const dots = await dotVote(tx, id, obstacleIds, crowd);
				await actions(tx, id, obstacleIds, user);
				const cry = await openVote(
					tx,
					id,
					'rallying_cry',
					'ranked',
					runoffBallots(await cries(tx, id, crowd, 12)),
					crowd
				);
				return [dots, cry];
			};
			const visions = await make(SCENES.visions, { stage: 'excite', timerMinutes: 4 });
			await personalVisions(tx, visions, await people(tx, visions, 60), 40);
			await personalVisions(tx, await make(SCENES.visionsEmpty, { stage: 'dream' }), [], 0);

			const wrapup = await closing(await make(SCENES.wrapup, { stage: 'wrapup' }));
			const ended = await closing(await make(SCENES.ended, { stage: 'excite' }));
			for (const { tablename, trigger } of announcers) {
				await tx.query(`alter table ${tablename} enable trigger "${trigger}"`);
			}
			return { ranking: rankingVote, runoff: runoffVote, tie: tieVote, wrapup, ended };
		});
	} finally {
		await closeDatabase();
	}
}
