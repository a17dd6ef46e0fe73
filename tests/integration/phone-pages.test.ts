// A phone's pages below HTTP, on every engine: each stage's page loads the phone's own data as the
// participant the hooks found, on the page for the workshop's stage, and never asks its layout for
// data — that would rebuild the live snapshot on the server after every post, only for the phone to
// throw it away. Its form actions answer through one helper: who may post, what was wrong, and why
// a post was refused, beside the form that sent it.
import { PHONE_DATA } from '$lib/phoneData';
import type { Database, Handle } from '$lib/server/db';
import * as moods from '$lib/server/moods';
import { PAUSED_REASON } from '$lib/server/posting';
import * as participants from '$lib/server/participants';
import * as workshops from '$lib/server/workshops';
import { isActionFailure, isRedirect, type Redirect } from '@sveltejs/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actions as lobbyActions, load as lobbyLoad } from '../../src/routes/w/[code]/(phone)/+page.server';
import { load as dreamLoad } from '../../src/routes/w/[code]/(phone)/dream/+page.server';
import { load as exciteLoad } from '../../src/routes/w/[code]/(phone)/excite/+page.server';
import { load as growLoad } from '../../src/routes/w/[code]/(phone)/grow/+page.server';
import { engines, freshDatabase } from '../setup/databases';
import { asAnon, asMember, member, organisation, participant, workshop } from '../setup/fixtures';

describe.each(engines)('phone pages on %s', (engine) => {
	let db: Database;
	let facilitator: Handle;
	let room: { id: string; joinCode: string };
	let ana: participants.Participant;

	beforeAll(async () => {
		db = await freshDatabase(engine);
		const org = await organisation(db, 'Harbour');
		const facilitatorId = await member(db, org, 'facilitator');
		facilitator = asMember(db, facilitatorId);
		room = await workshop(db, org, facilitatorId, { status: 'live', stage: 'explore' });
		const { id } = await participant(db, room.joinCode, 'Ana');
		ana = { id, workshopId: room.id, joinCode: room.joinCode, displayName: 'Ana' };
		const asAna = participants.asParticipant(db, ana);
		await moods.post(asAna, ana, { score: 4, line: 'Quick refund' });
		await participants.setReady(asAna, ana, 'explore', true);
	});
	afterAll(() => db.close());

	/**
	 * A request from a phone for `path` under the workshop, as the hooks leave it: Ana's (or no one's)
	 * participant in `locals`. Its loads may not ask their layout for data.
	 */
	function request(path: string, me: participants.Participant | null = ana) {
		const dependencies: string[] = [];
		const event = {
			locals: {
				member: null,
				db: asAnon(db),
				participant: me,
				participantDb: me && participants.asParticipant(db, me)
			},
			params: { code: room.joinCode },
			url: new URL(`http://phone.test/w/${room.joinCode}${path}`),
			depends: (...names: string[]) => dependencies.push(...names),
			parent: () => {
				throw new Error('a phone page asked its layout for data (the live snapshot)');
			}
		};
		return { event: event as never, dependencies };
	}

	/** What a load or action threw, if it was a redirect. */
	async function redirectOf(run: () => unknown): Promise<Redirect | null> {
		try {
			await run();
			return null;
		} catch (thrown) {
			if (isRedirect(thrown)) return thrown;
			throw thrown;
		}
	}

	const post = (fields: Record<string, string>) => {
		const form = new FormData();
		for (const [name, value] of Object.entries(fields)) form.append(name, value);
		return new Request(`http://phone.test/w/${room.joinCode}?/mood`, { method: 'POST', body: form });
	};

	it("loads the phone's own data and ready marks, reloadable alone after a post", async () => {
		const { event, dependencies } = request('');
		expect(await lobbyLoad(event)).toEqual({
			mood: { score: 4, line: 'Quick refund' },
			readyStages: ['explore']
		});
		expect(dependencies).toEqual([PHONE_DATA]);
	});

	it("sends a phone to the page for the workshop's stage, and one that has not joined to join", async () => {
		expect((await redirectOf(() => dreamLoad(request('/dream').event)))?.location).toBe(
			`/w/${room.joinCode}`
		);
		expect((await redirectOf(() => lobbyLoad(request('', null).event)))?.location).toBe(
			`/j/${room.joinCode}`
		);
	});

	it('loads each stage page with the phone’s own data, never the layout’s', async () => {
		await workshops.setStage(facilitator, room.id, 'dream');
		expect(await dreamLoad(request('/dream').event)).toMatchObject({
			myStories: [],
			myReactions: {},
			readyStages: ['explore']
		});
		await workshops.setStage(facilitator, room.id, 'grow');
		expect(await growLoad(request('/grow').event)).toEqual({
			myObstacles: [],
			myBallot: null,
			readyStages: ['explore']
		});
		await workshops.setStage(facilitator, room.id, 'excite');
		expect(await exciteLoad(request('/excite').event)).toEqual({
			myBallot: null,
			myCheck: null,
			readyStages: ['explore']
		});
		await workshops.setStage(facilitator, room.id, 'explore');
	});

	it('a form action refuses bad fields and a closed stage beside its form, keeping what was sent', async () => {
		const mood = (fields: Record<string, string>, me: participants.Participant | null = ana) =>
			lobbyActions.mood!({ ...(request('', me).event as object), request: post(fields) } as never);

		const bad = await mood({ score: '9', line: 'Too good' });
		expect(isActionFailure(bad) && bad.status).toBe(400);
		expect(bad).toMatchObject({
			data: {
				action: 'mood',
				errors: { score: 'Pick how it left you feeling.' },
				values: { line: 'Too good' }
			}
		});

		await workshops.setPostingLocked(facilitator, room.id, true);
		const paused = await mood({ score: '2', line: 'Changed my mind' });
		expect(isActionFailure(paused) && paused.status).toBe(409);
		expect(paused).toMatchObject({
			data: {
				action: 'mood',
				errors: { form: PAUSED_REASON },
				values: { score: '2', line: 'Changed my mind' },
				paused: true
			}
		});
		await workshops.setPostingLocked(facilitator, room.id, false);

		// The answer carries the mood as stored, so the phone need not reload its page.
		expect(await mood({ score: '2', line: 'Changed my mind' })).toEqual({
			posted: 'mood',
			mood: { score: 2, line: 'Changed my mind' }
		});
		expect(await moods.mine(participants.asParticipant(db, ana), ana)).toEqual({
			score: 2,
			line: 'Changed my mind'
		});
		const stranger = await redirectOf(() => mood({ score: '3' }, null));
		expect(stranger?.location).toBe(`/j/${room.joinCode}`);
	});
});
