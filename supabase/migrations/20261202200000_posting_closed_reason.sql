-- Why posting in a stage is closed, or null while it is open: decided once, here. The policies
-- (through app.may_post) and the words a refused phone is shown both read it, so they cannot
-- disagree.
create function app.posting_closed(workshop uuid, stage text) returns text
language sql stable security definer set search_path = ''
as $$
  select case
    when w.id is null or w.status = 'ended' then 'ended'
    when w.status <> 'live' or w.stage <> posting_closed.stage then 'not_open'
    when w.posting_locked then 'paused'
  end
  from (select 1) as always_one_row left join cx.workshops w on w.id = workshop
$$;
revoke execute on function app.posting_closed(uuid, text) from public;
grant execute on function app.posting_closed(uuid, text) to authenticated, service_role;

create or replace function app.may_post(workshop uuid, stage text) returns boolean
language sql stable security definer set search_path = ''
as $$ select app.in_workshop(workshop) and app.posting_closed(workshop, stage) is null $$;
