-- Live workshops: every change bumps the workshop's version and announces it on the workshop's
-- channel in the same transaction, so every app instance hears of each committed change once, in
-- order, and no code path can forget to. Payloads carry ids and versions, never documents.

create function app.workshop_channel(workshop uuid) returns text
language sql immutable
as $$ select 'workshop_' || replace(workshop::text, '-', '') $$;

-- Announces a change to something inside the workshop (a join, a mood, a ready mark…).
create function app.announce(workshop uuid, what text, ref uuid) returns bigint
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v bigint;
begin
  update public.workshops set version = version + 1 where id = workshop returning version into v;
  if v is not null then
    perform pg_notify(app.workshop_channel(workshop), json_build_object('v', v, 'what', what, 'ref', ref)::text);
  end if;
  return v;
end
$$;
revoke execute on function app.announce(uuid, text, uuid) from public;

-- Changes to the workshop row itself: bump the version before, announce after.
create function app.bump_workshop_version() returns trigger
language plpgsql
as $$
begin
  new.version := old.version + 1;
  return new;
end
$$;

create function app.announce_workshop_change() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  perform pg_notify(app.workshop_channel(new.id), json_build_object('v', new.version, 'what', 'workshop', 'ref', null)::text);
  return null;
end
$$;

-- Only the columns people see; `version` itself (changed by app.announce) does not count.
create trigger workshops_bump_version before update on public.workshops
  for each row
  when ((old.title, old.team_name, old.status, old.stage, old.stage_settings, old.posting_locked,
         old.hidden_until_reveal, old.timer_ends_at, old.timer_paused_ms, old.spotlight_story_id,
         old.rallying_cry_id)
        is distinct from
        (new.title, new.team_name, new.status, new.stage, new.stage_settings, new.posting_locked,
         new.hidden_until_reveal, new.timer_ends_at, new.timer_paused_ms, new.spotlight_story_id,
         new.rallying_cry_id))
  execute function app.bump_workshop_version();

create trigger workshops_announce after update on public.workshops
  for each row
  when (old.version is distinct from new.version
        and (old.title, old.team_name, old.status, old.stage, old.stage_settings, old.posting_locked,
             old.hidden_until_reveal, old.timer_ends_at, old.timer_paused_ms, old.spotlight_story_id,
             old.rallying_cry_id)
            is distinct from
            (new.title, new.team_name, new.status, new.stage, new.stage_settings, new.posting_locked,
             new.hidden_until_reveal, new.timer_ends_at, new.timer_paused_ms, new.spotlight_story_id,
             new.rallying_cry_id))
  execute function app.announce_workshop_change();

-- One trigger function for the tables inside a workshop; TG_ARGV[0] names the kind of change.
create function app.announce_row_change() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op = 'DELETE' then
    perform app.announce(old.workshop_id, tg_argv[0], null);
  else
    perform app.announce(new.workshop_id, tg_argv[0], (to_jsonb(new) ->> 'id')::uuid);
  end if;
  return null;
end
$$;

create trigger participants_announce after insert on public.participants
  for each row execute function app.announce_row_change('joined');
create trigger moods_announce after insert or update or delete on public.moods
  for each row execute function app.announce_row_change('mood');
create trigger stage_ready_announce after insert or delete on public.stage_ready
  for each row execute function app.announce_row_change('ready');

-- What anyone holding the code may know before joining: enough to say what they are joining.
create function app.workshop_preview(p_join_code text)
returns table (title text, team_name text, status text)
language sql stable security definer set search_path = ''
as $$
  select w.title, w.team_name, w.status from public.workshops w where w.join_code = upper(p_join_code)
$$;
revoke execute on function app.workshop_preview(text) from public;
grant execute on function app.workshop_preview(text) to anon, authenticated;

-- Ending a workshop closes it and moves every story whose author consented into the library,
-- atomically. Only those who drive the workshop may end it.
create function app.end_workshop(workshop uuid) returns boolean
language plpgsql volatile security definer set search_path = ''
as $$
begin
  if not app.drives(workshop) then
    return false;
  end if;
  update public.workshops
     set status = 'ended', ended_at = now(), timer_ends_at = null, timer_paused_ms = null
   where id = workshop and status <> 'ended';
  if not found then
    return false;
  end if;
  update public.stories set library_at = now()
   where workshop_id = workshop and consent <> 'room' and library_at is null;
  return true;
end
$$;
revoke execute on function app.end_workshop(uuid) from public;
grant execute on function app.end_workshop(uuid) to authenticated;

-- Presence: the app marks connected phones as seen; this index serves "connected now" counts.
create index participants_last_seen_idx on public.participants (workshop_id, last_seen_at);
