-- Insights for leaders: what the organisation's ended workshops add up to. Everything counted here
-- is what the organisation's members may read anyway — library stories, the obstacles and moods of
-- their workshops — so a room-only story or a private vision never counts, not even as a number.

-- The library, counted as stories join it or leave it: per workshop and day, stories by kind, and
-- stories per theme. Counting 100,000 stories on every visit would take a leader's whole second;
-- these hold a few rows per workshop. Only triggers write them.
create table cx.library_story_tallies (
  workshop_id uuid not null references cx.workshops (id) on delete cascade,
  org_id uuid not null references cx.organisations (id) on delete cascade,
  -- The day (UTC) its stories joined the library: the day the workshop ended.
  library_on date not null,
  kind text not null check (kind in ('good', 'bad')),
  stories integer not null check (stories > 0),
  primary key (workshop_id, library_on, kind)
);
create index library_story_tallies_org_library_on_idx on cx.library_story_tallies (org_id, library_on);

create table cx.library_theme_tallies (
  workshop_id uuid not null references cx.workshops (id) on delete cascade,
  org_id uuid not null references cx.organisations (id) on delete cascade,
  library_on date not null,
  theme text not null,
  stories integer not null check (stories > 0),
  primary key (workshop_id, library_on, theme)
);
create index library_theme_tallies_org_library_on_idx on cx.library_theme_tallies (org_id, library_on);

alter table cx.library_story_tallies enable row level security;
alter table cx.library_theme_tallies enable row level security;
grant select on cx.library_story_tallies, cx.library_theme_tallies to authenticated;
create policy "members read their library's tallies" on cx.library_story_tallies
  for select to authenticated using (org_id in (select app.my_orgs()));
create policy "members read their library's theme tallies" on cx.library_theme_tallies
  for select to authenticated using (org_id in (select app.my_orgs()));

-- Counts these workshops' library stories again, from the stories themselves.
create function app.count_library(workshops uuid[]) returns void
language sql volatile security definer set search_path = ''
as $$
  delete from cx.library_story_tallies where workshop_id = any (workshops);
  delete from cx.library_theme_tallies where workshop_id = any (workshops);
  insert into cx.library_story_tallies (workshop_id, org_id, library_on, kind, stories)
  select s.workshop_id, s.org_id, (s.library_at at time zone 'UTC')::date, s.kind, count(*)
  from cx.stories s
  where s.workshop_id = any (workshops) and s.library_at is not null
  group by 1, 2, 3, 4;
  insert into cx.library_theme_tallies (workshop_id, org_id, library_on, theme, stories)
  select s.workshop_id, s.org_id, (s.library_at at time zone 'UTC')::date, t.theme, count(*)
  from cx.stories s cross join unnest(s.themes) as t(theme)
  where s.workshop_id = any (workshops) and s.library_at is not null
  group by 1, 2, 3, 4;
$$;
revoke execute on function app.count_library(uuid[]) from public;

-- Once per statement, for the workshops whose library stories it changed: ending a workshop moves
-- all its stories at once, and a reaction or a featuring changes nothing counted.
create function app.recount_library() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  workshops uuid[];
begin
  if tg_op = 'INSERT' then
    workshops := array(select distinct workshop_id from new_stories where library_at is not null);
  elsif tg_op = 'DELETE' then
    workshops := array(select distinct workshop_id from old_stories where library_at is not null);
  else
    workshops := array(
      select distinct n.workshop_id from new_stories n join old_stories o on o.id = n.id
      where (o.library_at, o.kind, o.themes) is distinct from (n.library_at, n.kind, n.themes)
        and (o.library_at is not null or n.library_at is not null));
  end if;
  if cardinality(workshops) > 0 then
    perform app.count_library(workshops);
  end if;
  return null;
end
$$;
revoke execute on function app.recount_library() from public;

create trigger stories_count_library_insert after insert on cx.stories
  referencing new table as new_stories
  for each statement execute function app.recount_library();
create trigger stories_count_library_update after update on cx.stories
  referencing old table as old_stories new table as new_stories
  for each statement execute function app.recount_library();
create trigger stories_count_library_delete after delete on cx.stories
  referencing old table as old_stories
  for each statement execute function app.recount_library();

select app.count_library(array(select distinct workshop_id from cx.stories where library_at is not null));

-- The obstacles named in these workshops of the organisation, one row per wording (ignoring case):
-- the workshops that named it (once per naming), how often, the dots it got in each workshop's latest
-- revealed dot vote (null where none was revealed there) and the actions taken on it. For members
-- only. A function, like app.library_search, so that thousands of obstacles are read without a
-- policy check per row: the check here is once, for the organisation.
create function app.insight_obstacles(org uuid, workshops uuid[])
returns table (text text, workshop_ids uuid[], mentions integer, dots integer, actions integer)
language sql stable security definer set search_path = ''
as $$
  with chosen as materialized (
    select w.id from cx.workshops w
    where app.is_member(org) and w.org_id = org and w.id = any (workshops)
  ),
  named as materialized (
    select o.id, o.workshop_id, o.text
    from chosen c join cx.obstacles o on o.workshop_id = c.id
    where not o.hidden
  ),
  dots as (
    select (t ->> 'option')::uuid as obstacle_id, (t ->> 'votes')::int as dots
    from chosen c
    -- The latest revealed dot vote of each workshop (not a runoff, which ranks only the tied).
    cross join lateral (
      select v.result from cx.votes v
      where v.workshop_id = c.id and v.subject = 'obstacles' and v.status = 'revealed' and v.runoff_of is null
      order by v.revealed_at desc limit 1
    ) latest
    cross join jsonb_array_elements(latest.result -> 'totals') as t
  ),
  actions as (
    select a.obstacle_id, count(*)::int as actions
    from chosen c join cx.action_items a on a.workshop_id = c.id
    where a.obstacle_id is not null
    group by a.obstacle_id
  )
  select min(n.text collate "C"), array_agg(n.workshop_id), count(*)::int, sum(d.dots)::int,
         coalesce(sum(a.actions), 0)::int
  from named n
  left join dots d on d.obstacle_id = n.id
  left join actions a on a.obstacle_id = n.id
  group by lower(btrim(n.text))
$$;
revoke execute on function app.insight_obstacles(uuid, uuid[]) from public;
grant execute on function app.insight_obstacles(uuid, uuid[]) to authenticated;

-- Explore's moods in these workshops, by score: counts only, as the room's screen showed them.
create function app.insight_moods(org uuid, workshops uuid[])
returns table (workshop_id uuid, score integer, people integer)
language sql stable security definer set search_path = ''
as $$
  select m.workshop_id, m.score::int, count(*)::int
  from cx.moods m join cx.workshops w on w.id = m.workshop_id
  where app.is_member(org) and w.org_id = org and w.id = any (workshops)
  group by 1, 2
$$;
revoke execute on function app.insight_moods(uuid, uuid[]) from public;
grant execute on function app.insight_moods(uuid, uuid[]) to authenticated;

-- What each of these workshops came to: its latest vision statement, its rallying cry (unless the
-- facilitator hid it), and how many personal visions were shared with the organisation — never
-- those kept private or for the room, not even as a number.
create function app.insight_outcomes(org uuid, workshops uuid[])
returns table (workshop_id uuid, vision text, rallying_cry text, shared_visions integer)
language sql stable security definer set search_path = ''
as $$
  select w.id,
         (select v.body from cx.vision_versions v where v.workshop_id = w.id order by v.version desc limit 1),
         (select c.text from cx.rallying_cries c where c.id = w.rallying_cry_id and not c.hidden),
         (select count(*)::int from cx.personal_visions p
          where p.workshop_id = w.id and p.consent in ('library_anonymous', 'library_named'))
  from cx.workshops w
  where app.is_member(org) and w.org_id = org and w.id = any (workshops)
$$;
revoke execute on function app.insight_outcomes(uuid, uuid[]) from public;
grant execute on function app.insight_outcomes(uuid, uuid[]) to authenticated;

-- How these workshops' actions stand, per team, as of today (overdue: open or in progress, and
-- past their due date, as on the Actions page).
create function app.insight_actions(org uuid, workshops uuid[])
returns table (team text, done integer, open integer, overdue integer, dropped integer)
language sql stable security definer set search_path = ''
as $$
  select w.team_name,
         (count(*) filter (where a.status = 'done'))::int,
         (count(*) filter (where a.status in ('open', 'in_progress') and not coalesce(a.due_on < current_date, false)))::int,
         (count(*) filter (where a.status in ('open', 'in_progress') and a.due_on < current_date))::int,
         (count(*) filter (where a.status = 'dropped'))::int
  from cx.action_items a join cx.workshops w on w.id = a.workshop_id
  where app.is_member(org) and w.org_id = org and w.id = any (workshops)
  group by w.team_name
$$;
revoke execute on function app.insight_actions(uuid, uuid[]) from public;
grant execute on function app.insight_actions(uuid, uuid[]) to authenticated;
