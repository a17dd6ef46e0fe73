-- Dream: good and bad service stories, reactions to them, and "our customers should feel …" phrases.
-- Who wrote a story lives in story_authors, readable only by its author: an anonymous story stays
-- anonymous to facilitators and leaders because the database says so, not because a page hides it.

create table public.stories (
  id uuid primary key default gen_random_uuid(),
  workshop_id uuid not null references public.workshops (id) on delete cascade,
  kind text not null check (kind in ('good', 'bad')),
  perspective text not null check (perspective in ('customer', 'employee')),
  title text not null check (char_length(title) between 1 and 120),
  body text not null check (char_length(body) between 1 and 4000),
  feeling text check (char_length(feeling) <= 200),
  company text check (char_length(company) <= 120),
  themes text[] not null default '{}' check (cardinality(themes) <= 12 and array_position(themes, null) is null),
  consent text not null check (consent in ('room', 'library_anonymous', 'library_named')),
  -- The name shown with the story; null means "Anonymous".
  author_name text check (char_length(author_name) between 1 and 80),
  on_behalf boolean not null default false,
  hidden boolean not null default false,
  idempotency_key uuid not null,
  created_at timestamptz not null default now(),
  edited_at timestamptz,
  -- Set when the workshop ends, for stories whose author consented to the library.
  library_at timestamptz,
  featured_at timestamptz,
  unique (workshop_id, idempotency_key),
  check (library_at is null or consent <> 'room'),
  check (consent <> 'library_anonymous' or author_name is null)
);
create index stories_workshop_id_idx on public.stories (workshop_id, created_at desc);
create index stories_library_at_idx on public.stories (library_at desc) where library_at is not null;

alter table public.workshops
  add constraint workshops_spotlight_story_id_fkey
  foreign key (spotlight_story_id) references public.stories (id) on delete set null;

create table public.story_authors (
  story_id uuid primary key references public.stories (id) on delete cascade,
  participant_id uuid not null references public.participants (id) on delete cascade
);
create index story_authors_participant_id_idx on public.story_authors (participant_id);

create table public.reactions (
  story_id uuid not null references public.stories (id) on delete cascade,
  participant_id uuid not null references public.participants (id) on delete cascade,
  workshop_id uuid not null references public.workshops (id) on delete cascade,
  kind text not null check (kind in ('heart', 'clap', 'wow', 'sad', 'idea')),
  created_at timestamptz not null default now(),
  primary key (story_id, participant_id, kind)
);
create index reactions_workshop_id_idx on public.reactions (workshop_id);

create table public.phrases (
  id uuid primary key default gen_random_uuid(),
  workshop_id uuid not null references public.workshops (id) on delete cascade,
  participant_id uuid references public.participants (id) on delete cascade,
  text text not null check (char_length(text) between 1 and 80),
  hidden boolean not null default false,
  created_at timestamptz not null default now()
);
create index phrases_workshop_id_idx on public.phrases (workshop_id);

-- Helpers -----------------------------------------------------------------------------------------

create function app.is_story_author(story uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (select 1 from public.story_authors a where a.story_id = story and a.participant_id = (select auth.uid()))
$$;

create function app.posts_hidden(workshop uuid) returns boolean
language sql stable security definer set search_path = ''
as $$ select coalesce((select w.hidden_until_reveal from public.workshops w where w.id = workshop), false) $$;

create function app.is_live(workshop uuid) returns boolean
language sql stable security definer set search_path = ''
as $$ select exists (select 1 from public.workshops w where w.id = workshop and w.status = 'live') $$;

-- A participant's story is linked to its author here, so the link cannot be forged or omitted.
create function app.record_story_author() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if app.in_workshop(new.workshop_id) then
    insert into public.story_authors (story_id, participant_id) values (new.id, (select auth.uid()));
  end if;
  return new;
end
$$;
create trigger stories_record_author after insert on public.stories
  for each row execute function app.record_story_author();

-- Row policies cannot tell columns apart, so this keeps each kind of editor to its own columns:
-- authors edit the content, facilitators moderate, only system jobs move stories into the library.
create function app.guard_story_update() returns trigger
language plpgsql
as $$
begin
  if current_user not in ('authenticated', 'anon') then
    return new;
  end if;
  if new.workshop_id <> old.workshop_id or new.library_at is distinct from old.library_at
     or new.idempotency_key <> old.idempotency_key or new.on_behalf <> old.on_behalf
     or new.created_at <> old.created_at then
    raise exception 'These story fields cannot be changed' using errcode = 'insufficient_privilege';
  end if;
  if (new.hidden <> old.hidden) and not app.drives(old.workshop_id) then
    raise exception 'Only the facilitator moderates stories' using errcode = 'insufficient_privilege';
  end if;
  if new.featured_at is distinct from old.featured_at
     and not app.has_org_role(app.workshop_org(old.workshop_id), array['owner', 'facilitator', 'leader']) then
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
create trigger stories_guard_update before update on public.stories
  for each row execute function app.guard_story_update();

-- Row-level security ------------------------------------------------------------------------------

alter table public.stories enable row level security;
alter table public.story_authors enable row level security;
alter table public.reactions enable row level security;
alter table public.phrases enable row level security;

grant select, insert, update, delete on public.stories to authenticated;
grant select on public.story_authors to authenticated;
grant select, insert, delete on public.reactions to authenticated;
grant select, insert, update, delete on public.phrases to authenticated;

create policy "the room, its facilitators and the library read stories" on public.stories
  for select to authenticated using (
    app.drives(workshop_id)
    or (library_at is not null and app.is_member(app.workshop_org(workshop_id)))
    or (app.in_workshop(workshop_id) and (app.is_story_author(id) or (not hidden and not app.posts_hidden(workshop_id))))
  );
create policy "participants post stories during Dream; facilitators on someone's behalf" on public.stories
  for insert to authenticated with check (
    (not on_behalf and app.may_post(workshop_id, 'dream'))
    or (on_behalf and app.drives(workshop_id) and app.is_live(workshop_id))
  );
create policy "authors edit while Dream is open; facilitators moderate; members feature" on public.stories
  for update to authenticated
  using (
    (app.is_story_author(id) and app.may_post(workshop_id, 'dream'))
    or app.drives(workshop_id)
    or (library_at is not null and app.is_member(app.workshop_org(workshop_id)))
  );
create policy "authors delete while Dream is open" on public.stories
  for delete to authenticated using (app.is_story_author(id) and app.may_post(workshop_id, 'dream'));

create policy "authors read their own authorship" on public.story_authors
  for select to authenticated using (participant_id = (select auth.uid()));

create policy "whoever sees the story reads its reactions" on public.reactions
  for select to authenticated using (app.sees_workshop(workshop_id));
create policy "participants react to others' stories" on public.reactions
  for insert to authenticated with check (
    participant_id = (select auth.uid()) and app.in_workshop(workshop_id) and app.is_live(workshop_id)
    and not app.is_story_author(story_id)
    and exists (select 1 from public.stories s where s.id = story_id and s.workshop_id = reactions.workshop_id)
  );
create policy "participants take back their reactions" on public.reactions
  for delete to authenticated using (participant_id = (select auth.uid()));

create policy "the room reads phrases" on public.phrases
  for select to authenticated using (
    app.drives(workshop_id)
    or (app.sees_workshop(workshop_id) and (participant_id = (select auth.uid()) or not hidden))
  );
create policy "participants contribute phrases during Dream" on public.phrases
  for insert to authenticated with check (participant_id = (select auth.uid()) and app.may_post(workshop_id, 'dream'));
create policy "facilitators moderate phrases" on public.phrases
  for update to authenticated using (app.drives(workshop_id)) with check (app.drives(workshop_id));
create policy "participants withdraw their phrases during Dream" on public.phrases
  for delete to authenticated using (participant_id = (select auth.uid()) and app.may_post(workshop_id, 'dream'));
