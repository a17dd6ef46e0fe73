// Who is in the room, for the screen and the facilitator (the participants policy lets no phone
// read the others): how many joined (and are connected, which only the facilitator is shown), the
// newest names for the lobby, and how many are ready to move on.
import { NAMES_SHOWN } from '$lib/live';
import type { Handle } from '../db';
import { ROOM_AUDIENCES, rereadFor, type LiveFeature, type LiveRead, type SnapshotPart } from './feature';

export const CONNECTED_WITHIN_SECONDS = 45;

export async function connectedCount(db: Handle, workshopId: string): Promise<number> {
	const [row] = await db.query<{ n: number }>(
		`select count(*)::int as n from participants
		 where workshop_id = $1 and last_seen_at > now() - make_interval(secs => $2)`,
		[workshopId, CONNECTED_WITHIN_SECONDS]
	);
	return row?.n ?? 0;
}

/** Ready marks count for the current stage only. */
async function readyCount(db: Handle, workshopId: string): Promise<number> {
	const [row] = await db.query<{ n: number }>(
		`select count(*)::int as n from stage_ready r join workshops w on w.id = r.workshop_id and w.stage = r.stage
		 where r.workshop_id = $1`,
		[workshopId]
	);
	return row?.n ?? 0;
}

async function presence({ db, workshopId, audience }: LiveRead): Promise<SnapshotPart> {
	const [counts] = await db.query<{ joined: number }>(
		`select count(*)::int as joined from participants where workshop_id = $1`,
		[workshopId]
	);
	const names = await db.query<{ display_name: string }>(
		`select display_name from participants where workshop_id = $1 and display_name is not null
		 order by joined_at desc limit $2`,
		[workshopId, NAMES_SHOWN]
	);
	return {
		room: {
			joined: counts?.joined ?? 0,
			connected: audience === 'facilitator' ? await connectedCount(db, workshopId) : 0,
			names: names.map((row) => row.display_name),
			ready: await readyCount(db, workshopId)
		}
	};
}

export const presenceFeature = {
	audiences: ROOM_AUDIENCES,
	snapshot: presence,
	on: {
		// A change to the workshop sends the whole room again (the stage decides what is ready).
		workshop: rereadFor(ROOM_AUDIENCES, presence),
		joined: {
			audiences: ROOM_AUDIENCES,
			async read({ db, workshopId, change }) {
				const [row] = await db.query<{ joined: number; name: string | null }>(
					`select (select count(*)::int from participants where workshop_id = $1) as joined,
					        (select display_name from participants where id = $2) as name`,
					[workshopId, change.ref]
				);
				return { room: { joined: row?.joined ?? 0 }, arrived: row?.name ?? null };
			}
		},
		ready: {
			audiences: ROOM_AUDIENCES,
			read: async ({ db, workshopId }) => ({ room: { ready: await readyCount(db, workshopId) } })
		}
	}
} satisfies LiveFeature;
