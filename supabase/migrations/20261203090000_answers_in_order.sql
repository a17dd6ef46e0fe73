-- A replaceable answer (a ballot, a mood, a closing check) carries the phone's own sequence number:
-- the phone numbers its sends in the order the person made them (milliseconds, never going back).
-- A request the phone gave up on can still reach the database after a newer one was acknowledged;
-- the newer choice is kept and the older one changes nothing. Without a number from the phone (a
-- page posted without JavaScript, a ballot entered on someone's behalf) the server's clock numbers it.
create function app.now_ms() returns bigint
language sql volatile set search_path = ''
as $$ select (extract(epoch from clock_timestamp()) * 1000)::bigint $$;
-- A column default runs as whoever inserts.
revoke execute on function app.now_ms() from public;
grant execute on function app.now_ms() to authenticated, service_role;

alter table cx.ballots add column seq bigint not null default app.now_ms() check (seq >= 0);
alter table cx.moods add column seq bigint not null default app.now_ms() check (seq >= 0);
alter table cx.vision_checks add column seq bigint not null default app.now_ms() check (seq >= 0);

-- Skips an update that is older than the row it would replace (the same number again is a retry).
create function app.keep_newer_answer() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if new.seq < old.seq then
    return null;
  end if;
  return new;
end
$$;

revoke execute on function app.keep_newer_answer() from public;

create trigger ballots_keep_newer before update on cx.ballots
  for each row execute function app.keep_newer_answer();
create trigger moods_keep_newer before update on cx.moods
  for each row execute function app.keep_newer_answer();
create trigger vision_checks_keep_newer before update on cx.vision_checks
  for each row execute function app.keep_newer_answer();
