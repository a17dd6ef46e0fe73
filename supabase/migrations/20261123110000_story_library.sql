-- Stories in the room and in the library. Each story carries its organisation (so library rules
-- and indexes need no join), a search document, and a reaction count to sort by. The database sets
-- the name shown with a story, and announces every change to the room.

-- Themes as one string for the search document (array_to_string itself is only stable).
create function app.themes_text(themes text[]) returns text
language sql immutable parallel safe
as $$ select array_to_string(themes, ' ') $$;

alter table public.stories
  add column org_id uuid references public.organisations (id) on delete cascade,
  add column reaction_count integer not null default 0 check (reaction_count >= 0),
  add column search tsvector generated always as (
    setweight(to_tsvector('english', title), 'A')
    || setweight(to_tsvector('english', app.themes_text(themes) || ' ' || coalesce(company, '')), 'B')
    || setweight(to_tsvector('english', body), 'C')
  ) stored;

update public.stories s set org_id = w.org_id from public.workshops w where w.id = s.workshop_id;
update public.stories s set reaction_count = (select count(*) from public.reactions r where r.story_id = s.id);
alter table public.stories alter column org_id set not null;

-- The library: newest, most reacted, featured, and full-text search, all within one organisation.
create index stories_library_idx on public.stories (org_id, library_at desc) where library_at is not null;
create index stories_library_reacted_idx on public.stories (org_id, reaction_count desc, library_at desc)
  where library_at is not null;
create index stories_library_featured_idx on public.stories (org_id, featured_at desc)
  where library_at is not null and featured_at is not null;
create index stories_library_search_idx on public.stories using gin (search) where library_at is not null;
create index stories_library_themes_idx on public.stories using gin (themes) where library_at is not null;

-- Helpers whose results do not depend on the row, so policies evaluate them once per query ------

create function app.my_orgs() returns setof uuid
language sql stable security definer set search_path = ''
as $$ select m.org_id from public.memberships m where m.user_id = (select auth.uid()) $$;

create function app.my_driven_workshops() returns setof uuid
language sql stable security definer set search_path = ''
as $$
  select f.workshop_id from public.workshop_facilitators f where f.user_id = (select auth.uid())
  union
  select w.id from public.workshops w
  join public.memberships m on m.org_id = w.org_id and m.role = 'owner' and m.user_id = (select auth.uid())
$$;

-- The participant's workshop, or null for anyone else.
create function app.my_workshop() returns uuid
language sql stable security definer set search_path = ''
as $$ select p.workshop_id from public.participants p where p.id = (select auth.uid()) $$;

create function app.my_display_name() returns text
language sql stable security definer set search_path = ''
as $$ select p.display_name from public.participants p where p.id = (select auth.uid()) $$;

-- The story's organisation comes from its workshop, and a participant's name goes on a story only
-- when they chose the library with their name: neither can be typed in by the poster.
create function app.prepare_story() returns trigger
language plpgsql
as $$
begin
  new.org_id := app.workshop_org(new.workshop_id);
  if current_user in ('authenticated', 'anon') and not new.on_behalf then
    if new.consent = 'library_named' then
      new.author_name := app.my_display_name();
      if new.author_name is null then
        raise exception 'Add your name to be named with a story' using errcode = 'check_violation';
      end if;
    else
      new.author_name := null;
    end if;
  end if;
  return new;
end
$$;
create trigger stories_prepare before insert or update of workshop_id, consent, author_name on public.stories
  for each row execute function app.prepare_story();

-- Reactions are counted on the story, for sorting the library by them.
create function app.count_reaction() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    update public.stories set reaction_count = reaction_count + 1 where id = new.story_id;
  else
    update public.stories set reaction_count = reaction_count - 1 where id = old.story_id;
  end if;
  return null;
end
$$;
create trigger reactions_count after insert or delete on public.reactions
  for each row execute function app.count_reaction();

-- Announcements: a story was posted, edited, moderated or deleted; a story's reactions changed.
-- The one trigger function for rows inside a workshop now also names deleted rows, and takes the
-- column that identifies the change (TG_ARGV[1], default id): a reaction announces its story.
create or replace function app.announce_row_change() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  changed jsonb;
begin
  if tg_op = 'DELETE' then
    changed := to_jsonb(old);
  else
    changed := to_jsonb(new);
  end if;
  perform app.announce((changed ->> 'workshop_id')::uuid, tg_argv[0], (changed ->> coalesce(tg_argv[1], 'id'))::uuid);
  return null;
end
$$;

create trigger stories_announce_insert_delete after insert or delete on public.stories
  for each row execute function app.announce_row_change('story');
-- Only what the room sees: not reaction counts (announced per reaction), not library moves.
create trigger stories_announce_update after update on public.stories
  for each row
  when ((old.title, old.body, old.kind, old.perspective, old.feeling, old.company, old.themes, old.consent,
         old.author_name, old.hidden)
        is distinct from
        (new.title, new.body, new.kind, new.perspective, new.feeling, new.company, new.themes, new.consent,
         new.author_name, new.hidden))
  execute function app.announce_row_change('story');
create trigger reactions_announce after insert or delete on public.reactions
  for each row execute function app.announce_row_change('reaction', 'story_id');

-- Revealing hidden posts, or hiding them again, changes the whole wall at once.
create function app.announce_wall() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  perform app.announce(new.id, 'wall', null);
  return null;
end
$$;
create trigger workshops_announce_wall after update of hidden_until_reveal on public.workshops
  for each row when (old.hidden_until_reveal is distinct from new.hidden_until_reveal)
  execute function app.announce_wall();

-- Nobody moves a story to another organisation or counts reactions by hand.
create or replace function app.guard_story_update() returns trigger
language plpgsql
as $$
begin
  if current_user not in ('authenticated', 'anon') then
    return new;
  end if;
  if new.workshop_id <> old.workshop_id or new.org_id <> old.org_id or new.library_at is distinct from old.library_at
     or new.idempotency_key <> old.idempotency_key or new.on_behalf <> old.on_behalf
     or new.created_at <> old.created_at or new.reaction_count <> old.reaction_count then
    raise exception 'These story fields cannot be changed' using errcode = 'insufficient_privilege';
  end if;
  if (new.hidden <> old.hidden) and not app.drives(old.workshop_id) then
    raise exception 'Only the facilitator moderates stories' using errcode = 'insufficient_privilege';
  end if;
  if new.featured_at is distinct from old.featured_at
     and not app.has_org_role(old.org_id, array['owner', 'facilitator', 'leader']) then
    raise exception 'Only members feature stories' using errcode = 'insufficient_privilege';
  end if;
  if (new.title, new.body, new.kind, new.perspective, new.feeling, new.company, new.themes, new.consent, new.author_name)
     is distinct from
     (old.title, old.body, old.kind, old.perspective, old.feeling, old.company, old.themes, old.consent, old.author_name) then
    if not (app.is_story_author(old.id) or (old.on_behalf and app.drives(old.workshop_id))) then
      raise exception 'Only the author edits a story' using errcode = 'insufficient_privilege';
    end if;
    new.edited_at := now();
  end if;
  return new;
end
$$;

-- Policies: the same rules as before, written so their per-row cost is a hash lookup ------------

-- The library lists the organisation's teams and workshops on every page.
drop policy "members and participants read workshops" on public.workshops;
create policy "members and participants read workshops" on public.workshops
  for select to authenticated using (org_id in (select app.my_orgs()) or id = (select app.my_workshop()));

drop policy "the room, its facilitators and the library read stories" on public.stories;
create policy "the library, the room and its facilitators read stories" on public.stories
  for select to authenticated using (
    (library_at is not null and org_id in (select app.my_orgs()))
    or workshop_id in (select app.my_driven_workshops())
    or (workshop_id = (select app.my_workshop())
        and ((not hidden and not app.posts_hidden(workshop_id)) or app.is_story_author(id)))
  );

drop policy "authors edit while Dream is open; facilitators moderate; members feature" on public.stories;
create policy "authors edit while Dream is open; facilitators moderate; members feature" on public.stories
  for update to authenticated
  using (
    (library_at is not null and org_id in (select app.my_orgs()))
    or workshop_id in (select app.my_driven_workshops())
    or (app.is_story_author(id) and app.may_post(workshop_id, 'dream'))
  );

-- Library search ---------------------------------------------------------------------------------
-- Row policies cannot use the search indexes (the full-text and array operators are not leakproof,
-- so Postgres must check each row's policy before trying them). This function therefore finds the
-- page of matching library stories with the indexes, for members of the organisation only, and
-- returns ids alone: the stories themselves are then read under the policies above.
-- `filters` may hold q, kind, perspective, theme, team, workshop, from, to (dates) and featured.
create function app.library_search(org uuid, filters jsonb, sort text, page_size integer, page_offset integer)
returns table (story_id uuid, rank integer, total integer)
language plpgsql stable security definer set search_path = ''
as $$
declare
  -- Values are quoted into the statement (%L), so each search is planned for its own values: the
  -- planner then knows whether a word is rare (use the index) or common (walk the newest first).
  conditions text := format('s.org_id = %L and s.library_at is not null', org);
  total integer;
  ordering text := case sort
    when 'reacted' then 's.reaction_count desc, s.library_at desc, s.id'
    when 'featured' then 's.featured_at desc nulls last, s.library_at desc, s.id'
    else 's.library_at desc, s.id' end;
begin
  if not app.is_member(org) then
    return;
  end if;
  if filters ? 'q' then
    conditions := conditions || format(' and s.search @@ %L::tsquery', websearch_to_tsquery('english', filters->>'q'));
  end if;
  if filters ? 'kind' then conditions := conditions || format(' and s.kind = %L', filters->>'kind'); end if;
  if filters ? 'perspective' then
    conditions := conditions || format(' and s.perspective = %L', filters->>'perspective');
  end if;
  if filters ? 'theme' then conditions := conditions || format(' and s.themes @> array[%L]', filters->>'theme'); end if;
  if filters ? 'workshop' then
    conditions := conditions || format(' and s.workshop_id = %L', (filters->>'workshop')::uuid);
  end if;
  if filters ? 'team' then
    -- As a list of workshops, so the planner can fetch their stories by index.
    conditions := conditions || format(' and s.workshop_id = any (%L::uuid[])', array(
      select w.id from public.workshops w where w.org_id = org and w.team_name = filters->>'team'));
  end if;
  if filters ? 'from' then conditions := conditions || format(' and s.library_at >= %L', (filters->>'from')::date); end if;
  if filters ? 'to' then conditions := conditions || format(' and s.library_at < %L', (filters->>'to')::date + 1); end if;
  if filters ? 'featured' then conditions := conditions || ' and s.featured_at is not null'; end if;
  -- Count first, stopping at 201: "more than 200" (ten pages) is all a reader needs, and a phrase
  -- search, whose word positions only the rows themselves hold, stops checking rows sooner. A few
  -- matches are then gathered from the indexes and sorted; many are found soonest in sort order.
  execute format('select count(*)::int from (select 1 from public.stories s where %s limit 201) c', conditions)
    into total;
  if total = 0 then
    return;
  end if;
  return query execute format(
    case when total <= 200 then
      'with m as materialized (select s.id, s.library_at, s.reaction_count, s.featured_at from public.stories s where %1$s)
       select s.id, (row_number() over (order by %2$s))::int, %5$s from m s order by %2$s limit %3$s offset %4$s'
    else
      'select s.id, (row_number() over (order by %2$s))::int, %5$s from public.stories s where %1$s
       order by %2$s limit %3$s offset %4$s'
    end,
    conditions, ordering, page_size, page_offset, total);
end
$$;
revoke execute on function app.library_search(uuid, jsonb, text, integer, integer) from public;
grant execute on function app.library_search(uuid, jsonb, text, integer, integer) to authenticated;
