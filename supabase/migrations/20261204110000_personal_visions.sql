-- Personal visions: each person writes their own vision of customer excellence, and may add one
-- personal commitment ("Next week I will …"). The writer chooses who reads it, as with stories:
-- only themselves, the room, or the organisation (without or with their name). Nothing is chosen
-- for them. The facilitator chooses the stage it opens in (Dream or Excite); it stays open for the
-- rest of the workshop.
alter table cx.workshops
  add column personal_vision_stage text not null default 'excite' check (personal_vision_stage in ('dream', 'excite'));
grant update (personal_vision_stage) on cx.workshops to authenticated;

-- Phones learn which stage it is with the workshop's other settings: the version triggers list it.
drop trigger workshops_bump_version on cx.workshops;
drop trigger workshops_announce on cx.workshops;
create trigger workshops_bump_version before update on cx.workshops
  for each row
  when ((old.title, old.team_name, old.status, old.stage, old.stage_settings, old.posting_locked,
         old.hidden_until_reveal, old.timer_ends_at, old.timer_paused_ms, old.spotlight_story_id,
         old.rallying_cry_id, old.wall_paused, old.wall_step, old.joining_closed, old.personal_vision_stage)
        is distinct from
        (new.title, new.team_name, new.status, new.stage, new.stage_settings, new.posting_locked,
         new.hidden_until_reveal, new.timer_ends_at, new.timer_paused_ms, new.spotlight_story_id,
         new.rallying_cry_id, new.wall_paused, new.wall_step, new.joining_closed, new.personal_vision_stage))
  execute function app.bump_workshop_version();
create trigger workshops_announce after update on cx.workshops
  for each row
  when (old.version is distinct from new.version
        and (old.title, old.team_name, old.status, old.stage, old.stage_settings, old.posting_locked,
             old.hidden_until_reveal, old.timer_ends_at, old.timer_paused_ms, old.spotlight_story_id,
             old.rallying_cry_id, old.wall_paused, old.wall_step, old.joining_closed, old.personal_vision_stage)
            is distinct from
            (new.title, new.team_name, new.status, new.stage, new.stage_settings, new.posting_locked,
             new.hidden_until_reveal, new.timer_ends_at, new.timer_paused_ms, new.spotlight_story_id,
             new.rallying_cry_id, new.wall_paused, new.wall_step, new.joining_closed, new.personal_vision_stage))
  execute function app.announce_workshop_change();

create table cx.personal_visions (
  id uuid primary key default gen_random_uuid(),
  workshop_id uuid not null references cx.workshops (id) on delete cascade,
  participant_id uuid not null unique references cx.participants (id) on delete cascade,
  vision text not null check (char_length(vision) between 1 and 400),
  commitment text check (char_length(commitment) between 1 and 200),
  consent text not null check (consent in ('private', 'room', 'library_anonymous', 'library_named')),
  -- Kept on the row, as with stories, only where the writer shows their name (room, or named).
  writer_name text check (char_length(writer_name) between 1 and 80),
  check (writer_name is null or consent in ('room', 'library_named')),
  -- A link to read it after the workshop, without an account: only its hash is kept.
  link_hash text unique check (char_length(link_hash) = 64),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index personal_visions_workshop_id_idx on cx.personal_visions (workshop_id);
alter table cx.personal_visions enable row level security;
grant select, insert, delete on cx.personal_visions to authenticated;
grant update (vision, commitment, consent, writer_name, updated_at) on cx.personal_visions to authenticated;

-- Why a participant may not write their personal vision now (null: they may).
create function app.personal_vision_closed(workshop uuid) returns text
language sql stable security definer set search_path = ''
as $$
  select case
    when w.id is null or w.status = 'ended' then 'ended'
    when w.status <> 'live'
      or array_position(array['lobby', 'explore', 'dream', 'grow', 'excite', 'wrapup'], w.stage)
         < array_position(array['lobby', 'explore', 'dream', 'grow', 'excite', 'wrapup'], w.personal_vision_stage)
      then 'not_open'
    when w.posting_locked then 'paused'
  end
  from (select 1) as always_one_row left join cx.workshops w on w.id = workshop
$$;
revoke execute on function app.personal_vision_closed(uuid) from public;
grant execute on function app.personal_vision_closed(uuid) to authenticated, service_role;

create policy "writers, and those they share with, read personal visions" on cx.personal_visions
  for select to authenticated using (
    participant_id = (select auth.uid())
    or (consent <> 'private' and (workshop_id = (select app.view_of()) or app.in_workshop(workshop_id) or app.drives(workshop_id)))
    or (consent in ('library_anonymous', 'library_named') and app.is_member(app.workshop_org(workshop_id)))
  );
create policy "participants write their personal vision" on cx.personal_visions
  for insert to authenticated with check (
    participant_id = (select auth.uid()) and app.in_workshop(workshop_id) and app.personal_vision_closed(workshop_id) is null
  );
create policy "participants change their personal vision" on cx.personal_visions
  for update to authenticated
  using (participant_id = (select auth.uid()) and app.personal_vision_closed(workshop_id) is null)
  with check (participant_id = (select auth.uid()) and app.personal_vision_closed(workshop_id) is null);
create policy "participants withdraw their personal vision" on cx.personal_visions
  for delete to authenticated using (participant_id = (select auth.uid()));

-- The writer makes a new link to keep (an older one stops working); the server hashes the secret.
create function app.link_personal_vision(p_link_hash text) returns boolean
language sql volatile security definer set search_path = ''
as $$
  update cx.personal_visions set link_hash = p_link_hash
  where participant_id = (select auth.uid())
  returning true
$$;
revoke execute on function app.link_personal_vision(text) from public;
grant execute on function app.link_personal_vision(text) to authenticated;

-- What a kept link opens: the vision, the commitment, whose and from which workshop. Anyone with
-- the link may read it, even after the workshop, and nothing else. The server looks the link up on
-- its own connection (as it does invite links): no request role may call this.
create function app.personal_vision_by_link(p_link_hash text)
returns table (vision text, commitment text, writer text, workshop_title text, workshop_date date, org_name text)
language sql stable security definer set search_path = ''
as $$
  select v.vision, v.commitment, p.display_name, w.title, coalesce(w.ended_at, w.created_at)::date, o.name
  from cx.personal_visions v
  left join cx.participants p on p.id = v.participant_id
  join cx.workshops w on w.id = v.workshop_id
  join cx.organisations o on o.id = w.org_id
  where v.link_hash = p_link_hash
$$;
revoke execute on function app.personal_vision_by_link(text) from public;

-- Retention treats personal visions as it treats stories: once the period has passed, those kept
-- for the writer or the room go with the participants' names; those shared with the organisation stay.
create or replace function app.apply_retention() returns table (stories integer, participants integer)
language plpgsql volatile security definer set search_path = ''
as $$
declare
  expired uuid[];
begin
  select coalesce(array_agg(w.id), '{}') into expired
  from cx.workshops w join cx.organisations o on o.id = w.org_id
  where w.status = 'ended' and o.retention_days is not null
    and w.ended_at < now() - make_interval(days => o.retention_days);

  delete from cx.stories s where s.workshop_id = any (expired) and s.consent = 'room';
  get diagnostics stories = row_count;
  delete from cx.personal_visions v where v.workshop_id = any (expired) and v.consent in ('private', 'room');
  delete from cx.participant_secrets ps
  using cx.participants p
  where p.id = ps.participant_id and p.workshop_id = any (expired);
  update cx.participants p set display_name = null
  where p.workshop_id = any (expired) and p.display_name is not null;
  get diagnostics participants = row_count;
  return next;
end
$$;
