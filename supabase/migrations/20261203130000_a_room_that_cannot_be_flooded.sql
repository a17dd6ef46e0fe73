-- A room that cannot be flooded: join-code guesses limited per address, joining that the facilitator
-- closes, participants the facilitator removes, posting limits a person never meets, and a cap on
-- how many may join one workshop.

-- Failed join-code guesses per address. The join pages (owner connection, like the sign-in
-- service) lock the address's row, look the code up and count a miss in one transaction, so parallel
-- guesses queue and a burst gets no more than the limit. A code found from an address is remembered
-- there (`known_codes`): the next phones at that venue typing it are not guessing, so they never wait,
-- while a guesser who found one code still waits for every other. Secret: RLS on, no policies.
create table cx.join_throttles (
  address text primary key check (char_length(address) <= 200),
  -- codes that opened no workshop since `window_ends_at - window`
  failures integer not null default 0 check (failures >= 0),
  window_ends_at timestamptz not null default now(),
  known_codes text[] not null default '{}' check (cardinality(known_codes) <= 50),
  updated_at timestamptz not null default now()
);
create index join_throttles_updated_at_idx on cx.join_throttles (updated_at);
alter table cx.join_throttles enable row level security;

-- The facilitator closes joining; phones already in are unaffected.
alter table cx.workshops add column joining_closed boolean not null default false;

-- A removed participant keeps their row (their hidden posts still name no one else), but nothing
-- answers to them any more: every check of who is in a workshop reads only those not removed.
alter table cx.participants add column removed_at timestamptz;

create or replace function app.in_workshop(workshop uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from cx.participants p
    where p.id = (select auth.uid()) and p.workshop_id = workshop and p.removed_at is null
  )
$$;

create or replace function app.my_workshop() returns uuid
language sql stable security definer set search_path = ''
as $$ select p.workshop_id from cx.participants p where p.id = (select auth.uid()) and p.removed_at is null $$;

-- The screen and the panel's views list only the people still in the room; whoever drives the
-- workshop reads every row.
drop policy "participants read themselves, the screen and facilitators the room" on cx.participants;
create policy "participants read themselves, the screen and facilitators the room" on cx.participants
  for select to authenticated
  using (
    (workshop_id = (select app.view_of('{screen,facilitator}')) and removed_at is null)
    or id = (select auth.uid())
    or app.drives(workshop_id)
  );

-- How many may join one workshop: far more than any room, so a script cannot fill it for ever.
create function app.max_participants() returns integer
language sql immutable set search_path = ''
as $$ select 5000 $$;
revoke execute on function app.max_participants() from public;

-- Joining: a workshop not ended, open for joining and not full. Each refusal has its own code, so
-- the join page can say which.
create or replace function app.join_workshop(p_join_code text, p_display_name text, p_token_hash text) returns uuid
language plpgsql volatile security definer set search_path = ''
as $$
declare
  workshop cx.workshops;
  participant uuid;
begin
  select * into workshop from cx.workshops w where w.join_code = upper(p_join_code) and w.status <> 'ended';
  if workshop.id is null then
    raise exception 'No open workshop has that code' using errcode = 'no_data_found';
  end if;
  if workshop.joining_closed then
    raise exception 'Joining is closed' using errcode = 'CXJ01';
  end if;
  if (select count(*) from cx.participants p where p.workshop_id = workshop.id) >= app.max_participants() then
    raise exception 'This workshop is full' using errcode = 'CXJ02';
  end if;
  insert into cx.participants (workshop_id, display_name)
  values (workshop.id, nullif(btrim(p_display_name), '')) returning id into participant;
  insert into cx.participant_secrets (participant_id, token_hash) values (participant, p_token_hash);
  return participant;
end
$$;

-- What the join page may say before joining: an ended workshop says nothing (it answers like an
-- unknown code), an open one whether joining is closed.
drop function app.workshop_preview(text);
create function app.workshop_preview(p_join_code text)
returns table (title text, team_name text, status text, joining_closed boolean)
language sql stable security definer set search_path = ''
as $$
  select w.title, w.team_name, w.status, w.joining_closed from cx.workshops w
  where w.join_code = upper(p_join_code) and w.status <> 'ended'
$$;
revoke execute on function app.workshop_preview(text) from public;
grant execute on function app.workshop_preview(text) to anon, authenticated, service_role;

-- The facilitator removes someone: they lose access at once (their live stream is told), leave the
-- room's counts and names, and what they posted leaves the room — hidden where moderation hides
-- (the facilitator can still read it, and show it again), withdrawn where it cannot be hidden.
create function app.remove_participant(participant uuid) returns boolean
language plpgsql volatile security definer set search_path = ''
as $$
declare
  workshop uuid;
begin
  select p.workshop_id into workshop from cx.participants p where p.id = participant and p.removed_at is null;
  if workshop is null or not app.drives(workshop) then
    return false;
  end if;
  update cx.participants set removed_at = now() where id = participant;
  update cx.stories s set hidden = true
    from cx.story_authors a where a.story_id = s.id and a.participant_id = participant and not s.hidden;
  update cx.obstacles set hidden = true where participant_id = participant and not hidden;
  update cx.phrases set hidden = true where participant_id = participant and not hidden;
  update cx.rallying_cries set hidden = true where participant_id = participant and not hidden;
  delete from cx.fixes where participant_id = participant;
  delete from cx.vision_amendments where participant_id = participant and status = 'pending';
  delete from cx.moods where participant_id = participant;
  delete from cx.reactions where participant_id = participant;
  delete from cx.stage_ready where participant_id = participant;
  delete from cx.vision_checks where participant_id = participant;
  -- Ballots in votes still open; a revealed result stays as it was shown.
  delete from cx.ballots b using cx.votes v
   where b.vote_id = v.id and b.participant_id = participant and v.status = 'open';
  -- The room's names and counts are read again; the removed phone's stream asks again and ends.
  perform app.announce(workshop, 'workshop', null);
  perform app.announce_access(workshop, participant);
  return true;
end
$$;
revoke execute on function app.remove_participant(uuid) from public;
grant execute on function app.remove_participant(uuid) to authenticated, service_role;

-- Posting limits a person never meets and a script does: per phone, at most `per_minute` rows of a
-- kind in any minute and `total` in the workshop. Counted in the inserting transaction under a
-- lock per phone, so parallel posts from one phone cannot slip past. Only a participant posting as
-- themselves is counted (a facilitator entering for someone without a phone is not).
create function app.limit_posting() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  me uuid := (select auth.uid());
  per_minute integer := tg_argv[0]::integer;
  total integer := tg_argv[1]::integer;
  recent integer;
  overall integer;
begin
  if me is null or not exists (select 1 from cx.participants p where p.id = me) then
    return new;
  end if;
  if tg_table_name <> 'stories' and (to_jsonb(new) ->> 'participant_id')::uuid is distinct from me then
    return new;
  end if;
  perform pg_advisory_xact_lock(hashtext('cx-posting:' || tg_table_name || ':' || me::text));
  if tg_table_name = 'stories' then
    select count(*) filter (where s.created_at > now() - interval '1 minute'), count(*)
      into recent, overall
      from cx.story_authors a join cx.stories s on s.id = a.story_id where a.participant_id = me;
  else
    execute format(
      'select count(*) filter (where created_at > now() - interval ''1 minute''), count(*) from cx.%I where participant_id = $1',
      tg_table_name)
      into recent, overall using me;
  end if;
  if recent >= per_minute then
    raise exception 'posting_rate' using errcode = 'CX429', detail = per_minute::text;
  end if;
  if overall >= total then
    raise exception 'posting_total' using errcode = 'CX429', detail = total::text;
  end if;
  return new;
end
$$;
revoke execute on function app.limit_posting() from public;

create trigger stories_limit_posting before insert on cx.stories
  for each row execute function app.limit_posting(10, 100);
create trigger obstacles_limit_posting before insert on cx.obstacles
  for each row execute function app.limit_posting(10, 100);
create trigger fixes_limit_posting before insert on cx.fixes
  for each row execute function app.limit_posting(10, 200);
create trigger phrases_limit_posting before insert on cx.phrases
  for each row execute function app.limit_posting(10, 100);
create trigger rallying_cries_limit_posting before insert on cx.rallying_cries
  for each row execute function app.limit_posting(10, 100);
create trigger vision_amendments_limit_posting before insert on cx.vision_amendments
  for each row execute function app.limit_posting(10, 100);

create index obstacles_participant_id_idx on cx.obstacles (participant_id);
create index fixes_participant_id_idx on cx.fixes (participant_id);
create index phrases_participant_id_idx on cx.phrases (participant_id);
create index rallying_cries_participant_id_idx on cx.rallying_cries (participant_id);
create index vision_amendments_participant_id_idx on cx.vision_amendments (participant_id);

-- The version triggers list the columns people see: add joining_closed (the screen's lobby and the
-- join page say when joining is closed).
drop trigger workshops_bump_version on cx.workshops;
drop trigger workshops_announce on cx.workshops;

create trigger workshops_bump_version before update on cx.workshops
  for each row
  when ((old.title, old.team_name, old.status, old.stage, old.stage_settings, old.posting_locked,
         old.hidden_until_reveal, old.timer_ends_at, old.timer_paused_ms, old.spotlight_story_id,
         old.rallying_cry_id, old.wall_paused, old.wall_step, old.joining_closed)
        is distinct from
        (new.title, new.team_name, new.status, new.stage, new.stage_settings, new.posting_locked,
         new.hidden_until_reveal, new.timer_ends_at, new.timer_paused_ms, new.spotlight_story_id,
         new.rallying_cry_id, new.wall_paused, new.wall_step, new.joining_closed))
  execute function app.bump_workshop_version();

create trigger workshops_announce after update on cx.workshops
  for each row
  when (old.version is distinct from new.version
        and (old.title, old.team_name, old.status, old.stage, old.stage_settings, old.posting_locked,
             old.hidden_until_reveal, old.timer_ends_at, old.timer_paused_ms, old.spotlight_story_id,
             old.rallying_cry_id, old.wall_paused, old.wall_step, old.joining_closed)
            is distinct from
            (new.title, new.team_name, new.status, new.stage, new.stage_settings, new.posting_locked,
             new.hidden_until_reveal, new.timer_ends_at, new.timer_paused_ms, new.spotlight_story_id,
             new.rallying_cry_id, new.wall_paused, new.wall_step, new.joining_closed))
  execute function app.announce_workshop_change();
