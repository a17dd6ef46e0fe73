-- Workshops, who drives them, who joined them, and the Explore stage (moods) and "ready" marks.

create table public.workshops (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organisations (id) on delete cascade,
  title text not null check (char_length(title) between 1 and 120),
  team_name text check (char_length(team_name) <= 120),
  -- Six letters and digits 2-9. New codes also avoid O, I and L (see src/lib/joinCode.ts); typed
  -- 0 and 1 are read as O and I, so a hand-picked code such as DEMO42 still works.
  join_code text not null unique check (join_code ~ '^[A-Z2-9]{6}$'),
  status text not null default 'draft' check (status in ('draft', 'live', 'ended')),
  stage text not null default 'lobby' check (stage in ('lobby', 'explore', 'dream', 'grow', 'excite', 'wrapup')),
  -- Per-stage settings, e.g. {"explore": {"prompt": "…"}}; shape checked by the server.
  stage_settings jsonb not null default '{}' check (jsonb_typeof(stage_settings) = 'object' and pg_column_size(stage_settings) < 16384),
  posting_locked boolean not null default false,
  hidden_until_reveal boolean not null default false,
  timer_ends_at timestamptz,
  timer_paused_ms integer check (timer_paused_ms between 0 and 86400000),
  spotlight_story_id uuid,
  rallying_cry_id uuid,
  screen_token_hash text unique check (char_length(screen_token_hash) = 64),
  -- Bumped by every change; realtime clients use it to notice what they missed.
  version bigint not null default 0,
  created_by uuid references public.users (id) on delete set null,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  ended_at timestamptz,
  check ((status = 'ended') = (ended_at is not null))
);
create index workshops_org_id_idx on public.workshops (org_id, created_at desc);

create table public.workshop_facilitators (
  workshop_id uuid not null references public.workshops (id) on delete cascade,
  user_id uuid not null references public.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (workshop_id, user_id)
);
create index workshop_facilitators_user_id_idx on public.workshop_facilitators (user_id);

create table public.participants (
  id uuid primary key default gen_random_uuid(),
  workshop_id uuid not null references public.workshops (id) on delete cascade,
  display_name text check (char_length(display_name) between 1 and 40),
  -- Set when a facilitator enters things on behalf of someone without a phone.
  entered_by uuid references public.users (id) on delete set null,
  joined_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now()
);
create index participants_workshop_id_idx on public.participants (workshop_id);

-- The participant's cookie secret, hashed. Only the sign-in service (owner connection) reads it.
create table public.participant_secrets (
  participant_id uuid primary key references public.participants (id) on delete cascade,
  token_hash text not null unique check (char_length(token_hash) = 64)
);

create table public.stage_ready (
  participant_id uuid not null references public.participants (id) on delete cascade,
  workshop_id uuid not null references public.workshops (id) on delete cascade,
  stage text not null check (stage in ('lobby', 'explore', 'dream', 'grow', 'excite', 'wrapup')),
  created_at timestamptz not null default now(),
  primary key (participant_id, stage)
);
create index stage_ready_workshop_id_idx on public.stage_ready (workshop_id, stage);

create table public.moods (
  id uuid primary key default gen_random_uuid(),
  workshop_id uuid not null references public.workshops (id) on delete cascade,
  participant_id uuid not null references public.participants (id) on delete cascade,
  score smallint not null check (score between 1 and 5),
  line text check (char_length(line) <= 140),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workshop_id, participant_id)
);

-- Helpers for policies ---------------------------------------------------------------------------

create function app.workshop_org(workshop uuid) returns uuid
language sql stable security definer set search_path = ''
as $$ select w.org_id from public.workshops w where w.id = workshop $$;

-- Drives = may control the workshop: one of its facilitators, or an owner of its organisation.
create function app.drives(workshop uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.workshop_facilitators f
    where f.workshop_id = workshop and f.user_id = (select auth.uid())
  ) or app.has_org_role(app.workshop_org(workshop), array['owner'])
$$;

create function app.in_workshop(workshop uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (select 1 from public.participants p where p.id = (select auth.uid()) and p.workshop_id = workshop)
$$;

create function app.sees_workshop(workshop uuid) returns boolean
language sql stable security definer set search_path = ''
as $$ select app.in_workshop(workshop) or app.is_member(app.workshop_org(workshop)) $$;

-- A participant may post in `stage` only while the workshop is live, in that stage, and unlocked.
create function app.may_post(workshop uuid, stage text) returns boolean
language sql stable security definer set search_path = ''
as $$
  select app.in_workshop(workshop) and exists (
    select 1 from public.workshops w
    where w.id = workshop and w.status = 'live' and w.stage = may_post.stage and not w.posting_locked
  )
$$;

create function app.add_creator_as_facilitator() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if new.created_by is not null then
    insert into public.workshop_facilitators (workshop_id, user_id) values (new.id, new.created_by)
    on conflict do nothing;
  end if;
  return new;
end
$$;
create trigger workshops_add_creator after insert on public.workshops
  for each row execute function app.add_creator_as_facilitator();

-- Joining needs only the code: anyone holding it becomes a participant of a workshop not yet ended.
-- The server makes the secret and passes its hash; the new participant's id is returned.
create function app.join_workshop(p_join_code text, p_display_name text, p_token_hash text) returns uuid
language plpgsql volatile security definer set search_path = ''
as $$
declare
  workshop uuid;
  participant uuid;
begin
  select w.id into workshop from public.workshops w
  where w.join_code = upper(p_join_code) and w.status <> 'ended';
  if workshop is null then
    raise exception 'No open workshop has that code' using errcode = 'no_data_found';
  end if;
  insert into public.participants (workshop_id, display_name)
  values (workshop, nullif(btrim(p_display_name), '')) returning id into participant;
  insert into public.participant_secrets (participant_id, token_hash) values (participant, p_token_hash);
  return participant;
end
$$;
revoke execute on function app.join_workshop(text, text, text) from public;
grant execute on function app.join_workshop(text, text, text) to anon, authenticated;

-- Row-level security ------------------------------------------------------------------------------

alter table public.workshops enable row level security;
alter table public.workshop_facilitators enable row level security;
alter table public.participants enable row level security;
alter table public.participant_secrets enable row level security;
alter table public.stage_ready enable row level security;
alter table public.moods enable row level security;

grant select, insert, update, delete on public.workshops to authenticated;
grant select, insert, delete on public.workshop_facilitators to authenticated;
grant select, update (display_name, last_seen_at) on public.participants to authenticated;
grant select, insert, delete on public.stage_ready to authenticated;
grant select, insert, update, delete on public.moods to authenticated;

-- Uses the row's own org_id (not a lookup by id) so that INSERT … RETURNING sees the new row.
create policy "members and participants read workshops" on public.workshops
  for select to authenticated using (app.is_member(org_id) or app.in_workshop(id));
create policy "facilitators create workshops in their organisation" on public.workshops
  for insert to authenticated
  with check (app.has_org_role(org_id, array['owner', 'facilitator']) and created_by = (select auth.uid()));
create policy "facilitators drive their workshops" on public.workshops
  for update to authenticated using (app.drives(id)) with check (app.drives(id));
create policy "facilitators delete their workshops" on public.workshops
  for delete to authenticated using (app.drives(id));

create policy "members read who facilitates" on public.workshop_facilitators
  for select to authenticated using (app.is_member(app.workshop_org(workshop_id)));
create policy "facilitators add co-facilitators" on public.workshop_facilitators
  for insert to authenticated with check (
    app.drives(workshop_id) and exists (
      select 1 from public.memberships m
      where m.user_id = workshop_facilitators.user_id and m.org_id = app.workshop_org(workshop_id)
        and m.role in ('owner', 'facilitator')
    )
  );
create policy "facilitators remove co-facilitators" on public.workshop_facilitators
  for delete to authenticated using (app.drives(workshop_id));

create policy "participants read themselves, facilitators read the room" on public.participants
  for select to authenticated using (id = (select auth.uid()) or app.drives(workshop_id));
create policy "participants rename themselves" on public.participants
  for update to authenticated using (id = (select auth.uid())) with check (id = (select auth.uid()));

create policy "participants and facilitators read ready marks" on public.stage_ready
  for select to authenticated using (participant_id = (select auth.uid()) or app.drives(workshop_id));
create policy "participants mark themselves ready" on public.stage_ready
  for insert to authenticated with check (participant_id = (select auth.uid()) and app.in_workshop(workshop_id));
create policy "participants unmark themselves" on public.stage_ready
  for delete to authenticated using (participant_id = (select auth.uid()));

create policy "the room reads moods" on public.moods
  for select to authenticated using (app.sees_workshop(workshop_id));
create policy "participants post a mood during Explore" on public.moods
  for insert to authenticated with check (participant_id = (select auth.uid()) and app.may_post(workshop_id, 'explore'));
create policy "participants change their mood during Explore" on public.moods
  for update to authenticated
  using (participant_id = (select auth.uid()))
  with check (participant_id = (select auth.uid()) and app.may_post(workshop_id, 'explore'));
create policy "participants withdraw their mood during Explore" on public.moods
  for delete to authenticated using (participant_id = (select auth.uid()) and app.may_post(workshop_id, 'explore'));
