-- The vision statement's results stay true: a draft is saved on top of the version it started from,
-- the closing check belongs to a version, and phrases that differ only in case, spacing or a trailing
-- full stop are one phrase.

-- A saved draft is based on the version before it. Version N+1 needs version N (this key) and there is
-- only one version N+1 (the unique key), so a save started from anything but the latest version is
-- refused here, whichever facilitator or tab sent it.
alter table public.vision_versions
  add column based_on integer generated always as (nullif(version - 1, 0)) stored,
  add constraint vision_versions_based_on_fkey foreign key (workshop_id, based_on)
    references public.vision_versions (workshop_id, version);

-- The closing check: one answer per participant per version; earlier answers are kept.
alter table public.vision_checks add column version integer;
-- An answer given before this belongs to the version that was the latest when it was given.
update public.vision_checks c set version = coalesce(
  (select max(v.version) from public.vision_versions v
   where v.workshop_id = c.workshop_id and v.created_at <= c.updated_at),
  (select min(v.version) from public.vision_versions v where v.workshop_id = c.workshop_id)
);
-- Answers to no statement at all (no draft was ever saved) answered nothing.
delete from public.vision_checks where version is null;
alter table public.vision_checks
  alter column version set not null,
  drop constraint vision_checks_pkey,
  add primary key (workshop_id, participant_id, version),
  add constraint vision_checks_version_fkey foreign key (workshop_id, version)
    references public.vision_versions (workshop_id, version) on delete cascade;

-- The version phones are asked about now.
create function app.latest_vision(workshop uuid) returns integer
language sql stable security definer set search_path = ''
as $$ select max(v.version) from public.vision_versions v where v.workshop_id = workshop $$;
revoke execute on function app.latest_vision(uuid) from public;
grant execute on function app.latest_vision(uuid) to authenticated;

-- An answer to a version that is no longer the latest is refused.
alter policy "participants give their check during Excite" on public.vision_checks
  with check (
    participant_id = (select auth.uid()) and app.may_post(workshop_id, 'excite')
    and version = app.latest_vision(workshop_id)
  );
alter policy "participants change their check during Excite" on public.vision_checks
  with check (
    participant_id = (select auth.uid()) and app.may_post(workshop_id, 'excite')
    and version = app.latest_vision(workshop_id)
  );

-- "Heard", "heard." and " Heard " are one phrase.
alter table public.phrases
  add column normalized text generated always as (
    lower(regexp_replace(regexp_replace(text, '^\s+|[\s.]+$', '', 'g'), '\s+', ' ', 'g'))
  ) stored;
