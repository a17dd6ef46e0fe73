-- How long an organisation keeps what its people said only for the room. With `retention_days` set,
-- a job removes, that many days after a workshop ended, its room-only stories and its participants'
-- identities (names, and the secrets their phones signed in with). What they shared with the library,
-- and the workshop's results, stay. Unset (the default) keeps everything.
alter table cx.organisations
  add column retention_days integer check (retention_days between 1 and 3650);
grant update (retention_days) on cx.organisations to authenticated;

-- Run by the server (the owner connection) at start-up and every hour; nobody else may.
create function app.apply_retention() returns table (stories integer, participants integer)
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
  delete from cx.participant_secrets ps
  using cx.participants p
  where p.id = ps.participant_id and p.workshop_id = any (expired);
  update cx.participants p set display_name = null
  where p.workshop_id = any (expired) and p.display_name is not null;
  get diagnostics participants = row_count;
  return next;
end
$$;
revoke execute on function app.apply_retention() from public;
