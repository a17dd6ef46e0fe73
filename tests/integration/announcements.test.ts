// Every announcement the database can make has a live feature following it (or is `access`, which
// the hub handles itself), and every change a feature follows is one the database makes. Read from
// the catalogue, not the migration files: a trigger added with a new argument and no feature fails
// here, instead of reaching the hub as a delta that changes nothing.
import type { Database } from '$lib/server/db';
import { liveFeatures } from '$lib/server/live/feature';
import { followedChanges, LIVE_FEATURES } from '$lib/server/live/registry';
import { workshopFeature } from '$lib/server/live/workshop';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../setup/databases';

interface AnnouncingFunction {
	name: string;
	definition: string;
}

/** `app.announce(workshop, 'wall', …)` and `json_build_object(…, 'what', 'workshop', …)`. */
const LITERAL_NAMES = [/app\.announce\(\s*[^,()]+,\s*'([^']+)'/gi, /'what',\s*'([^']+)'/gi];
/** A trigger function announcing its first trigger argument (`app.announce_row_change('mood')`). */
const ANNOUNCES_TRIGGER_ARGUMENT = /app\.announce\([^;]*tg_argv\[0\]/i;
/** The one function that announces whatever it is given: every other announcer names what. */
const ANNOUNCE = 'app.announce(uuid,text,uuid)';

function literalNames(definition: string): string[] {
	return LITERAL_NAMES.flatMap((pattern) => [...definition.matchAll(pattern)].map((match) => match[1]!));
}

describe.each(engines)('announcements on %s', (engine) => {
	let db: Database;
	let announcers: AnnouncingFunction[];

	beforeAll(async () => {
		db = await freshDatabase(engine);
		announcers = await db.query<AnnouncingFunction>(
			`select p.oid::regprocedure::text as name, pg_get_functiondef(p.oid) as definition
			 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
			 where n.nspname in ('app', 'cx') and p.prokind = 'f'
			   and pg_get_functiondef(p.oid) ~* '(pg_notify|app\\.announce)\\('`
		);
	});
	afterAll(() => db.close());

	/** The first argument of every trigger whose function announces it. */
	async function triggerArguments(): Promise<string[]> {
		const forwarding = announcers
			.filter((fn) => ANNOUNCES_TRIGGER_ARGUMENT.test(fn.definition))
			.map((fn) => fn.name);
		expect(forwarding).toContain('app.announce_row_change()');
		const triggers = await db.query<{ trigger: string; args: string }>(
			`select t.tgname || ' on ' || t.tgrelid::regclass as trigger, encode(t.tgargs, 'escape') as args
			 from pg_trigger t
			 where not t.tgisinternal and t.tgfoid::regprocedure::text = any ($1::text[])`,
			[forwarding]
		);
		expect(triggers.length).toBeGreaterThan(10);
		// tgargs holds the arguments as NUL-terminated strings; the escape encoding spells NUL \000.
		return triggers.map(({ trigger, args }) => {
			const [name] = args.split('\\000');
			expect(name, `${trigger} announces no name`).toBeTruthy();
			return name!;
		});
	}

	it('reads what every announcing function announces', () => {
		for (const fn of announcers) {
			if (fn.name === ANNOUNCE) continue;
			const readable =
				literalNames(fn.definition).length > 0 || ANNOUNCES_TRIGGER_ARGUMENT.test(fn.definition);
			expect(readable, `${fn.name} announces something this test cannot read`).toBe(true);
		}
		expect(announcers.map((fn) => fn.name)).toContain(ANNOUNCE);
	});

	async function announced(): Promise<string[]> {
		const names = new Set([
			...(await triggerArguments()),
			...announcers.flatMap((fn) => literalNames(fn.definition))
		]);
		return [...names].sort();
	}

	it('has a live feature for every announced change, and no feature for a change never announced', async () => {
		const handled = new Set<string>([...followedChanges(), 'access']);
		expect(await announced()).toEqual([...handled].sort());
		expect(handled).toContain('workshop');
	});

	it('sees a trigger added with a change no feature follows', async () => {
		await db.query(
			`create trigger moods_announce_unfollowed after update on cx.moods
			 for each row execute function app.announce_row_change('unfollowed')`
		);
		try {
			expect(await announced()).toContain('unfollowed');
		} finally {
			await db.query(`drop trigger moods_announce_unfollowed on cx.moods`);
		}
	});
});

describe('the registry of live features', () => {
	it('tells each change only to audiences that see the feature', () => {
		for (const feature of LIVE_FEATURES) {
			for (const reaction of Object.values(feature.on)) {
				for (const audience of reaction.audiences) expect(feature.audiences).toContain(audience);
			}
		}
	});

	it('does not compile with a change no feature follows', () => {
		// @ts-expect-error -- only the workshop's own changes are followed here (`npm run check` fails without the error)
		expect(liveFeatures([workshopFeature])).toHaveLength(1);
	});
});
