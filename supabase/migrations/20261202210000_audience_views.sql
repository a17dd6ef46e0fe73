-- Each audience's live view — the room's phones, the projector screen, the facilitator's panel — is
-- read under an identity of its own, so what each sees is decided here, by the policies, and
-- nowhere else. The server sets the claims {view, view_of} only after it has checked who opened
-- the view (a participant's token; the screen link or a sign-in; a facilitator's sign-in), and
-- reads with them in read-only transactions. A user's own token cannot carry them: Supabase Auth
-- puts what a user may set under user_metadata, never at the top level of the claims.

-- The workshop this session views, as one of `audiences` (as any when null), or null. Policies call
-- it as `(select app.view_of(…))`, so the claims are read once per statement, not once per row, and
-- put it first, so a view's rows are settled before any per-row check runs.
create function app.view_of(audiences text[] default null) returns uuid
language sql stable set search_path = ''
as $$
  select (c.claims ->> 'view_of')::uuid
  from (select nullif(current_setting('request.jwt.claims', true), '')::jsonb as claims) c
  where c.claims ->> 'view' in ('participant', 'screen', 'facilitator')
    and (audiences is null or c.claims ->> 'view' = any (audiences))
$$;

-- Whoever sees the workshop, its views included (for the counting functions below).
create or replace function app.sees_workshop(workshop uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select workshop = app.view_of() or app.in_workshop(workshop) or app.is_member(app.workshop_org(workshop))
$$;

-- Hidden rows, posts before their reveal, counts before a vote's: the facilitator, to moderate.
create function app.moderates(workshop uuid) returns boolean
language sql stable security definer set search_path = ''
as $$ select coalesce(workshop = app.view_of('{facilitator}'), false) or app.drives(workshop) $$;

-- A vote's result: the facilitator may peek at any time; everyone else sees it once revealed.
create function app.sees_result(vote uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from cx.votes v
    where v.id = vote
      and (app.moderates(v.workshop_id) or (v.status = 'revealed' and app.sees_workshop(v.workshop_id)))
  )
$$;

create or replace function app.vote_ballots(vote uuid) returns setof jsonb
language sql stable security definer set search_path = ''
as $$
  select b.choices from cx.ballots b
  where b.vote_id = vote and (current_setting('role') not in ('anon', 'authenticated') or app.sees_result(vote))
$$;

-- How many ballots each vote of the workshop has (and how many a facilitator entered), never whose.
create function app.ballot_counts(workshop uuid)
returns table (vote_id uuid, ballots integer, on_behalf integer)
language sql stable security definer set search_path = ''
as $$
  select b.vote_id, count(*)::int, (count(*) filter (where b.on_behalf))::int
  from cx.ballots b where b.workshop_id = workshop and app.sees_workshop(workshop)
  group by b.vote_id
$$;

-- The room's moods by score (1 to 5): counts for whoever sees the room; lines only through the
-- moods policy below.
create function app.mood_counts(workshop uuid) returns integer[]
language sql stable security definer set search_path = ''
as $$
  select array_agg(coalesce(m.n, 0) order by s.score)
  from generate_series(1, 5) s(score)
  left join (select score, count(*)::int as n from cx.moods where workshop_id = workshop group by score) m
    on m.score = s.score
  where app.sees_workshop(workshop)
$$;

-- The closing check's answers per draft and stance, never whose.
create function app.check_tallies(workshop uuid)
returns table (version integer, stance text, count integer)
language sql stable security definer set search_path = ''
as $$
  select c.version, c.stance, count(*)::int from cx.vision_checks c
  where c.workshop_id = workshop and app.sees_workshop(workshop)
  group by c.version, c.stance
$$;

-- The reasons given in the closing check of one draft, for the facilitator, without names.
create function app.check_reasons(workshop uuid, version integer) returns setof text
language sql stable security definer set search_path = ''
as $$
  select c.reason from cx.vision_checks c
  where c.workshop_id = workshop and c.version = check_reasons.version and c.reason is not null
    and app.moderates(workshop)
  order by c.updated_at
$$;

-- A story put in the spotlight is shown to the room even before the reveal: spotlighting it is
-- showing it.
create function app.in_spotlight(story uuid, workshop uuid) returns boolean
language sql stable security definer set search_path = ''
as $$ select exists (select 1 from cx.workshops w where w.id = workshop and w.spotlight_story_id = story) $$;

do $$
declare f regprocedure;
begin
  foreach f in array array[
    'app.view_of(text[])', 'app.moderates(uuid)', 'app.sees_result(uuid)', 'app.ballot_counts(uuid)',
    'app.mood_counts(uuid)', 'app.check_tallies(uuid)', 'app.check_reasons(uuid, integer)',
    'app.in_spotlight(uuid, uuid)'
  ]::regprocedure[] loop
    execute format('revoke execute on function %s from public', f);
    execute format('grant execute on function %s to authenticated, service_role', f);
  end loop;
end $$;

-- Workshops: their organisation's members, their participants, and the views of them.
drop policy "members and participants read workshops" on cx.workshops;
create policy "members, participants and views read workshops" on cx.workshops
  for select to authenticated
  using (id = (select app.view_of()) or org_id in (select app.my_orgs()) or id = (select app.my_workshop()));

-- Stories: the room (its phones and its screen) reads what is neither hidden nor waiting for a
-- reveal; the facilitator reads all, to moderate; an author reads their own; leaders the library.
drop policy "the library, the room and its facilitators read stories" on cx.stories;
create policy "the library, the room, its screen and its facilitators read stories" on cx.stories
  for select to authenticated
  using (
    workshop_id = (select app.view_of('{facilitator}'))
    or (
      workshop_id = (select app.view_of('{participant,screen}')) and not hidden
      and (not (select app.posts_hidden(app.view_of())) or app.in_spotlight(id, workshop_id))
    )
    or (library_at is not null and org_id in (select app.my_orgs()))
    or workshop_id in (select app.my_driven_workshops())
    or (
      workshop_id = (select app.my_workshop()) and not hidden
      and (not app.posts_hidden(workshop_id) or app.in_spotlight(id, workshop_id))
    )
    or app.is_story_author(id)
  );

-- Moods: a participant reads their own; the screen and the organisation's members read the room's
-- once posts are shown; the facilitator reads all. Counts come from app.mood_counts.
drop policy "the room reads moods" on cx.moods;
create policy "participants read their mood, the screen and members the room's once shown" on cx.moods
  for select to authenticated
  using (
    workshop_id = (select app.view_of('{facilitator}'))
    or (workshop_id = (select app.view_of('{screen}')) and not (select app.posts_hidden(app.view_of())))
    or participant_id = (select auth.uid())
    or app.drives(workshop_id)
    or (app.is_member(app.workshop_org(workshop_id)) and not app.posts_hidden(workshop_id))
  );

drop policy "the room reads obstacles" on cx.obstacles;
create policy "the room reads obstacles, the facilitator hidden ones too" on cx.obstacles
  for select to authenticated
  using (
    workshop_id = (select app.view_of('{facilitator}'))
    or (workshop_id = (select app.view_of()) and not hidden)
    or app.drives(workshop_id)
    or (app.sees_workshop(workshop_id) and (participant_id = (select auth.uid()) or not hidden))
  );

-- Phrases feed the screen's cloud: phones read only their own.
drop policy "the room reads phrases" on cx.phrases;
create policy "the screen and members read phrases, participants their own" on cx.phrases
  for select to authenticated
  using (
    workshop_id = (select app.view_of('{facilitator}'))
    or (workshop_id = (select app.view_of('{screen}')) and not hidden)
    or participant_id = (select auth.uid())
    or app.drives(workshop_id)
    or (app.is_member(app.workshop_org(workshop_id)) and not hidden)
  );

drop policy "the room reads rallying cries" on cx.rallying_cries;
create policy "the room reads rallying cries, the facilitator hidden ones too" on cx.rallying_cries
  for select to authenticated
  using (
    workshop_id = (select app.view_of('{facilitator}'))
    or (workshop_id = (select app.view_of()) and not hidden)
    or app.drives(workshop_id)
    or (app.sees_workshop(workshop_id) and not hidden)
  );

-- The room's people and their marks: the screen shows them, the facilitator runs the room.
drop policy "participants read themselves, facilitators read the room" on cx.participants;
create policy "participants read themselves, the screen and facilitators the room" on cx.participants
  for select to authenticated
  using (
    workshop_id = (select app.view_of('{screen,facilitator}'))
    or id = (select auth.uid())
    or app.drives(workshop_id)
  );

drop policy "participants and facilitators read ready marks" on cx.stage_ready;
create policy "participants read their ready marks, the screen and facilitators all" on cx.stage_ready
  for select to authenticated
  using (
    workshop_id = (select app.view_of('{screen,facilitator}'))
    or participant_id = (select auth.uid())
    or app.drives(workshop_id)
  );

-- What every view of the room reads, like everyone who sees the workshop.
drop policy "whoever sees the story reads its reactions" on cx.reactions;
create policy "whoever sees the story reads its reactions" on cx.reactions
  for select to authenticated using (workshop_id = (select app.view_of()) or app.sees_workshop(workshop_id));
drop policy "the room reads fixes" on cx.fixes;
create policy "the room reads fixes" on cx.fixes
  for select to authenticated using (workshop_id = (select app.view_of()) or app.sees_workshop(workshop_id));
drop policy "the room reads action items" on cx.action_items;
create policy "the room reads action items" on cx.action_items
  for select to authenticated using (workshop_id = (select app.view_of()) or app.sees_workshop(workshop_id));
drop policy "the room reads votes" on cx.votes;
create policy "the room reads votes" on cx.votes
  for select to authenticated using (workshop_id = (select app.view_of()) or app.sees_workshop(workshop_id));
drop policy "the room reads the vision" on cx.vision_versions;
create policy "the room reads the vision" on cx.vision_versions
  for select to authenticated using (workshop_id = (select app.view_of()) or app.sees_workshop(workshop_id));
drop policy "the room reads amendments" on cx.vision_amendments;
create policy "the room reads amendments" on cx.vision_amendments
  for select to authenticated using (workshop_id = (select app.view_of()) or app.sees_workshop(workshop_id));
