-- Grow: obstacles, fixes, dot votes and action items. Excite: the versioned vision statement,
-- amendments and a closing check, rallying cries, votes and ballots.

create table public.obstacles (
  id uuid primary key default gen_random_uuid(),
  workshop_id uuid not null references public.workshops (id) on delete cascade,
  participant_id uuid references public.participants (id) on delete set null,
  text text not null check (char_length(text) between 1 and 280),
  from_story_id uuid references public.stories (id) on delete set null,
  on_behalf boolean not null default false,
  hidden boolean not null default false,
  created_at timestamptz not null default now()
);
create index obstacles_workshop_id_idx on public.obstacles (workshop_id);

create table public.fixes (
  id uuid primary key default gen_random_uuid(),
  obstacle_id uuid not null references public.obstacles (id) on delete cascade,
  workshop_id uuid not null references public.workshops (id) on delete cascade,
  participant_id uuid references public.participants (id) on delete set null,
  text text not null check (char_length(text) between 1 and 280),
  created_at timestamptz not null default now()
);
create index fixes_obstacle_id_idx on public.fixes (obstacle_id);
create index fixes_workshop_id_idx on public.fixes (workshop_id);

create table public.action_items (
  id uuid primary key default gen_random_uuid(),
  workshop_id uuid not null references public.workshops (id) on delete cascade,
  obstacle_id uuid references public.obstacles (id) on delete set null,
  title text not null check (char_length(title) between 1 and 200),
  owner_name text not null check (char_length(owner_name) between 1 and 120),
  due_on date,
  created_by uuid references public.users (id) on delete set null,
  created_at timestamptz not null default now()
);
create index action_items_workshop_id_idx on public.action_items (workshop_id);

create table public.vision_versions (
  id uuid primary key default gen_random_uuid(),
  workshop_id uuid not null references public.workshops (id) on delete cascade,
  version integer not null check (version > 0),
  body text not null check (char_length(body) between 1 and 2000),
  created_by uuid references public.users (id) on delete set null,
  created_at timestamptz not null default now(),
  unique (workshop_id, version)
);

create table public.vision_amendments (
  id uuid primary key default gen_random_uuid(),
  workshop_id uuid not null references public.workshops (id) on delete cascade,
  participant_id uuid references public.participants (id) on delete set null,
  target text check (char_length(target) <= 2000),
  proposed text not null check (char_length(proposed) between 1 and 2000),
  status text not null default 'pending' check (status in ('pending', 'accepted', 'merged', 'declined')),
  decided_at timestamptz,
  created_at timestamptz not null default now(),
  check ((status = 'pending') = (decided_at is null))
);
create index vision_amendments_workshop_id_idx on public.vision_amendments (workshop_id);

create table public.vision_checks (
  workshop_id uuid not null references public.workshops (id) on delete cascade,
  participant_id uuid not null references public.participants (id) on delete cascade,
  stance text not null check (stance in ('agree', 'abstain', 'disagree')),
  reason text check (char_length(reason) <= 280),
  updated_at timestamptz not null default now(),
  primary key (workshop_id, participant_id)
);

create table public.rallying_cries (
  id uuid primary key default gen_random_uuid(),
  workshop_id uuid not null references public.workshops (id) on delete cascade,
  participant_id uuid references public.participants (id) on delete set null,
  text text not null check (char_length(text) between 1 and 60),
  -- "Let's go!" and "lets go" are one proposal.
  normalized text generated always as (lower(regexp_replace(text, '[^[:alnum:]]+', '', 'g'))) stored,
  on_behalf boolean not null default false,
  hidden boolean not null default false,
  created_at timestamptz not null default now(),
  unique (workshop_id, normalized)
);

alter table public.workshops
  add constraint workshops_rallying_cry_id_fkey
  foreign key (rallying_cry_id) references public.rallying_cries (id) on delete set null;

create table public.votes (
  id uuid primary key default gen_random_uuid(),
  workshop_id uuid not null references public.workshops (id) on delete cascade,
  subject text not null check (subject in ('obstacles', 'rallying_cry')),
  method text not null check (method in ('single', 'dot', 'ranked')),
  dots smallint not null default 1 check (dots between 1 and 20),
  may_stack boolean not null default false,
  -- A runoff among tied options lists them here; empty means every option of the subject.
  options uuid[] not null default '{}',
  status text not null default 'open' check (status in ('open', 'closed', 'revealed')),
  winner_id uuid,
  opened_at timestamptz not null default now(),
  closed_at timestamptz,
  revealed_at timestamptz,
  check (status = 'open' or closed_at is not null),
  check ((status = 'revealed') = (revealed_at is not null))
);
create index votes_workshop_id_idx on public.votes (workshop_id);
create unique index votes_one_open_per_subject on public.votes (workshop_id, subject) where status = 'open';

create table public.ballots (
  id uuid primary key default gen_random_uuid(),
  vote_id uuid not null references public.votes (id) on delete cascade,
  workshop_id uuid not null references public.workshops (id) on delete cascade,
  participant_id uuid not null references public.participants (id) on delete cascade,
  -- single: [id]; dot: [id, id, …] (repeats stack dots); ranked: [first, second, …].
  choices jsonb not null check (jsonb_typeof(choices) = 'array' and jsonb_array_length(choices) between 1 and 50),
  on_behalf boolean not null default false,
  cast_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- One ballot per participant per vote: re-voting replaces it.
  unique (vote_id, participant_id)
);
create index ballots_participant_id_idx on public.ballots (participant_id);

create function app.vote_open(vote uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.votes v join public.workshops w on w.id = v.workshop_id
    where v.id = vote and v.status = 'open' and w.status = 'live'
  )
$$;

create function app.vote_workshop(vote uuid) returns uuid
language sql stable security definer set search_path = ''
as $$ select v.workshop_id from public.votes v where v.id = vote $$;

-- Row-level security ------------------------------------------------------------------------------

alter table public.obstacles enable row level security;
alter table public.fixes enable row level security;
alter table public.action_items enable row level security;
alter table public.vision_versions enable row level security;
alter table public.vision_amendments enable row level security;
alter table public.vision_checks enable row level security;
alter table public.rallying_cries enable row level security;
alter table public.votes enable row level security;
alter table public.ballots enable row level security;

grant select, insert, update, delete on public.obstacles to authenticated;
grant select, insert, delete on public.fixes to authenticated;
grant select, insert, update, delete on public.action_items to authenticated;
grant select, insert on public.vision_versions to authenticated;
grant select, insert, update on public.vision_amendments to authenticated;
grant select, insert, update, delete on public.vision_checks to authenticated;
grant select, insert, update on public.rallying_cries to authenticated;
grant select, insert, update on public.votes to authenticated;
grant select, insert, update on public.ballots to authenticated;

create policy "the room reads obstacles" on public.obstacles
  for select to authenticated using (
    app.drives(workshop_id) or (app.sees_workshop(workshop_id) and (participant_id = (select auth.uid()) or not hidden))
  );
create policy "participants name obstacles during Grow; facilitators on someone's behalf" on public.obstacles
  for insert to authenticated with check (
    (not on_behalf and participant_id = (select auth.uid()) and app.may_post(workshop_id, 'grow'))
    or (on_behalf and app.drives(workshop_id) and app.is_live(workshop_id))
  );
create policy "facilitators moderate obstacles" on public.obstacles
  for update to authenticated using (app.drives(workshop_id)) with check (app.drives(workshop_id));
create policy "participants withdraw their obstacles during Grow" on public.obstacles
  for delete to authenticated using (participant_id = (select auth.uid()) and app.may_post(workshop_id, 'grow'));

create policy "the room reads fixes" on public.fixes
  for select to authenticated using (app.sees_workshop(workshop_id));
create policy "participants propose fixes during Grow" on public.fixes
  for insert to authenticated with check (
    participant_id = (select auth.uid()) and app.may_post(workshop_id, 'grow')
    and exists (select 1 from public.obstacles o where o.id = obstacle_id and o.workshop_id = fixes.workshop_id)
  );
create policy "participants withdraw their fixes" on public.fixes
  for delete to authenticated using (participant_id = (select auth.uid()));

create policy "the room reads action items" on public.action_items
  for select to authenticated using (app.sees_workshop(workshop_id));
create policy "facilitators create action items" on public.action_items
  for insert to authenticated with check (app.drives(workshop_id));
create policy "facilitators edit action items" on public.action_items
  for update to authenticated using (app.drives(workshop_id)) with check (app.drives(workshop_id));
create policy "facilitators delete action items" on public.action_items
  for delete to authenticated using (app.drives(workshop_id));

create policy "the room reads the vision" on public.vision_versions
  for select to authenticated using (app.sees_workshop(workshop_id));
create policy "facilitators save vision versions" on public.vision_versions
  for insert to authenticated with check (app.drives(workshop_id) and created_by = (select auth.uid()));

create policy "the room reads amendments" on public.vision_amendments
  for select to authenticated using (app.sees_workshop(workshop_id));
create policy "participants propose amendments during Excite" on public.vision_amendments
  for insert to authenticated with check (
    participant_id = (select auth.uid()) and status = 'pending' and app.may_post(workshop_id, 'excite')
  );
create policy "facilitators decide amendments" on public.vision_amendments
  for update to authenticated using (app.drives(workshop_id)) with check (app.drives(workshop_id));

create policy "participants read their check, facilitators tally" on public.vision_checks
  for select to authenticated using (participant_id = (select auth.uid()) or app.drives(workshop_id));
create policy "participants give their check during Excite" on public.vision_checks
  for insert to authenticated with check (participant_id = (select auth.uid()) and app.may_post(workshop_id, 'excite'));
create policy "participants change their check during Excite" on public.vision_checks
  for update to authenticated
  using (participant_id = (select auth.uid()))
  with check (participant_id = (select auth.uid()) and app.may_post(workshop_id, 'excite'));
create policy "participants withdraw their check during Excite" on public.vision_checks
  for delete to authenticated using (participant_id = (select auth.uid()) and app.may_post(workshop_id, 'excite'));

create policy "the room reads rallying cries" on public.rallying_cries
  for select to authenticated using (app.drives(workshop_id) or (app.sees_workshop(workshop_id) and not hidden));
create policy "participants propose rallying cries during Excite; facilitators on someone's behalf" on public.rallying_cries
  for insert to authenticated with check (
    (not on_behalf and participant_id = (select auth.uid()) and app.may_post(workshop_id, 'excite'))
    or (on_behalf and app.drives(workshop_id) and app.is_live(workshop_id))
  );
create policy "facilitators moderate rallying cries" on public.rallying_cries
  for update to authenticated using (app.drives(workshop_id)) with check (app.drives(workshop_id));

create policy "the room reads votes" on public.votes
  for select to authenticated using (app.sees_workshop(workshop_id));
create policy "facilitators open votes" on public.votes
  for insert to authenticated with check (app.drives(workshop_id));
create policy "facilitators close and reveal votes" on public.votes
  for update to authenticated using (app.drives(workshop_id)) with check (app.drives(workshop_id));

create policy "participants read their ballot, facilitators count" on public.ballots
  for select to authenticated using (participant_id = (select auth.uid()) or app.drives(workshop_id));
create policy "participants cast a ballot while the vote is open; facilitators on someone's behalf" on public.ballots
  for insert to authenticated with check (
    workshop_id = app.vote_workshop(vote_id) and app.vote_open(vote_id) and (
      (not on_behalf and participant_id = (select auth.uid()))
      or (on_behalf and app.drives(workshop_id))
    )
  );
create policy "participants replace their ballot while the vote is open" on public.ballots
  for update to authenticated
  using (participant_id = (select auth.uid()) or (on_behalf and app.drives(workshop_id)))
  with check (
    app.vote_open(vote_id) and (participant_id = (select auth.uid()) or (on_behalf and app.drives(workshop_id)))
  );
