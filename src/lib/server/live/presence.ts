// Who is in the room, for the screen and the facilitator (the participants policy lets no phone
// read the others, and no view those removed): how many joined (and are connected, which only the
// facilitator is shown), the newest names for the lobby, the people the facilitator may remove,
// and how many are ready to move on.
import { NAMES_SHOWN, PEOPLE_LISTED, type Person } from '$lib/live';
import type { Handle } from '../db';
import { ROOM_AUDIENCES, rereadFor, type LiveFeature, type LiveRead, type SnapshotPart } from './feature';

export const CONNECTED_WITHIN_SECONDS = 45;

// Each count as a scalar subquery of workshop $1, so the whole room can be read in one statement.
const JOINED = `(select count(*)::int from participants where workshop_id = $1)`;
/** Ready marks count for the current stage only. */
const READY = `(select count(*)::int from stage_ready r join workshops w on w.id = r.workshop_id and w.stage = r.stage
                where r.workshop_id = $1)`;
/** Phones seen within $2 seconds. */
const CONNECTED = `(select count(*)::int from participants
                    where workshop_id = $1 and last_seen_at > now() - make_interval(secs => $2))`;

export async function connectedCount(db: Handle, workshopId: string): Promise<number> {
	const [row] = await db.query<{ n: number }>(`select ${CONNECTED} as n`, [
		workshopId,
		CONNECTED_WITHIN_SECONDS
	]);
	return row?.n ?? 0;
}

/** The facilitator's list of people (newest first) when parameter `isFacilitator` is true, else []. */
const people = (isFacilitator: string, limit: string) =>
	`(select coalesce(json_agg(json_build_object('id', p.id, 'name', p.display_name)), '[]')
	  from (select id, display_name from participants where workshop_id = $1 and ${isFacilitator}
	        order by joined_at desc limit ${limit}) p)`;

/** The whole room in one statement: it is read again on every workshop change, for two audiences. */
async function presence({ db, workshopId, audience }: LiveRead): Promise<SnapshotPart> {
	const [room] = await db.query<{
		joined: number;
		connected: number | null;
		names: string[];
		people: Person[];
		ready: number;
	}>(
		`select ${JOINED} as joined, case when $3 then ${CONNECTED} end as connected, ${READY} as ready,
		        array(select display_name from participants where workshop_id = $1 and display_name is not null
		              order by joined_at desc limit $4) as names, ${people('$3', '$5')} as people`,
		[workshopId, CONNECTED_WITHIN_SECONDS, audience === 'facilitator', NAMES_SHOWN, PEOPLE_LISTED]
	);
	return {
		room: {
			joined: room?.joined ?? 0,
			connected: room?.connected ?? 0,
			names: room?.names ?? [],
			people: room?.people ?? [],
			ready: room?.ready ?? 0
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
			async read({ db, workshopId, change, audience }) {
				const [row] = await db.query<{ joined: number; name: string | null; people: Person[] }>(
					`select ${JOINED} as joined, (select display_name from participants where id = $2) as name,
					        ${people('$3', '$4')} as people`,
					[workshopId, change.ref, audience === 'facilitator', PEOPLE_LISTED]
				);
				const listed = audience === 'facilitator' ? { people: row?.people ?? [] } : {};
				return { room: { joined: row?.joined ?? 0, ...listed }, arrived: row?.name ?? null };
			}
		},
		ready: {
			audiences: ROOM_AUDIENCES,
			async read({ db, workshopId }) {
				const [row] = await db.query<{ ready: number }>(`select ${READY} as ready`, [workshopId]);
				return { room: { ready: row?.ready ?? 0 } };
			}
		}
	}
} satisfies LiveFeature;
