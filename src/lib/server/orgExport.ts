// Everything of an organisation that its owner may read, as one JSON document: to keep, to move
// elsewhere, or to answer someone who asks what is held about them. It is read as the owner, so the
// policies decide what is in it, as everywhere: secrets (sign-in, participants' cookies, screen links)
// never are, nor are ballots' voters.
import type { Handle } from './db';
import { NotAllowedError } from './organisations';

export interface OrgExport {
	format: 'cx-workshop-organisation';
	exportedAt: string;
	organisation: Record<string, unknown>;
	members: Record<string, unknown>[];
	workshops: Record<string, unknown>[];
	/** Every other table with a workshop in it, by name: the rows of this organisation's workshops. */
	rooms: Record<string, Record<string, unknown>[]>;
}

/** Columns never exported, though their rows are: the hashes of secret links (a workshop's screen link, a vision's kept link). */
const WITHHELD = ['screen_token_hash', 'link_hash'];

export async function exportOrganisation(db: Handle, orgId: string): Promise<OrgExport> {
	return db.transaction(async (tx) => {
		const [owner] = await tx.query<{ owner: boolean }>(
			`select app.has_org_role($1, array['owner']) as owner`,
			[orgId]
		);
		if (!owner?.owner) throw new NotAllowedError('Only an owner may export the organisation’s data.');
		const [organisation] = await tx.query<{ row: Record<string, unknown> }>(
			`select to_jsonb(o) as row from organisations o where id = $1`,
			[orgId]
		);
		const members = await tx.query<Record<string, unknown>>(
			`select u.display_name as "displayName", u.email, m.role, m.created_at as "memberSince"
			 from memberships m join users u on u.id = m.user_id where m.org_id = $1 order by u.display_name`,
			[orgId]
		);
		const workshops = await tx.query<{ row: Record<string, unknown> }>(
			`select to_jsonb(w) - $2::text[] as row from workshops w where org_id = $1 order by created_at`,
			[orgId, WITHHELD]
		);
		// Every table with a workshop in it that a signed-in member may read at all; a new one is
		// exported without a change here.
		const tables = await tx.query<{ name: string }>(
			`select c.table_name as name
			 from information_schema.columns c
			 join information_schema.tables t using (table_schema, table_name)
			 where c.table_schema = 'cx' and t.table_type = 'BASE TABLE'
			   and c.column_name = 'workshop_id' and c.table_name <> 'workshops'
			   and has_table_privilege('authenticated', format('cx.%I', c.table_name), 'select')
			 order by c.table_name`
		);
		const rooms: OrgExport['rooms'] = {};
		for (const { name } of tables) {
			const rows = await tx.query<{ row: Record<string, unknown> }>(
				`select to_jsonb(t) - $2::text[] as row from cx.${quoted(name)} t
				 where t.workshop_id in (select id from workshops where org_id = $1)`,
				[orgId, WITHHELD]
			);
			rooms[name] = rows.map((r) => r.row);
		}
		return {
			format: 'cx-workshop-organisation',
			exportedAt: new Date().toISOString(),
			organisation: organisation!.row,
			members,
			workshops: workshops.map((w) => w.row),
			rooms
		};
	});
}

/** A table name from the catalogue, quoted as an identifier. */
function quoted(name: string): string {
	return `"${name.replaceAll('"', '""')}"`;
}
