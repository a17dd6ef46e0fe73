-- Actions live on after the workshop: each has a status (open, in progress, done, dropped), may be
-- owned by a member of the organisation as well as named, and keeps a short log of dated updates.
-- The action's owner, the workshop's facilitators and the organisation's owners update it (through
-- app.update_action, which writes the log and the status together); its organisation's members
-- read it.
alter table cx.action_items
  add column status text not null default 'open' check (status in ('open', 'in_progress', 'done', 'dropped')),
  add column owner_id uuid references cx.users (id) on delete set null on update cascade,
  add column updated_at timestamptz;
create index action_items_owner_id_idx on cx.action_items (owner_id);
grant update (owner_id) on cx.action_items to authenticated;

create table cx.action_updates (
  id uuid primary key default gen_random_uuid(),
  action_id uuid not null references cx.action_items (id) on delete cascade,
  workshop_id uuid not null references cx.workshops (id) on delete cascade,
  author_id uuid references cx.users (id) on delete set null on update cascade,
  status text not null check (status in ('open', 'in_progress', 'done', 'dropped')),
  note text check (char_length(note) between 1 and 500),
  created_at timestamptz not null default now()
);
create index action_updates_action_id_idx on cx.action_updates (action_id, created_at);
create index action_updates_workshop_id_idx on cx.action_updates (workshop_id);
alter table cx.action_updates enable row level security;
grant select on cx.action_updates to authenticated;
create policy "members read action updates" on cx.action_updates
  for select to authenticated using (app.is_member(app.workshop_org(workshop_id)));

-- Who may follow an action up: its owner, and whoever drives its workshop.
create function app.follows_up(action uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from cx.action_items a
    where a.id = action and (a.owner_id = (select auth.uid()) or app.drives(a.workshop_id))
  )
$$;
revoke execute on function app.follows_up(uuid) from public;
grant execute on function app.follows_up(uuid) to authenticated;

-- Records an update: the new status (the same one, for a note alone) and an optional note.
create function app.update_action(p_action uuid, p_status text, p_note text) returns void
language plpgsql volatile security definer set search_path = ''
as $$
begin
  if not app.follows_up(p_action) then
    raise exception 'Only the action''s owner and its workshop''s facilitators update it'
      using errcode = 'insufficient_privilege';
  end if;
  insert into cx.action_updates (action_id, workshop_id, author_id, status, note)
  select a.id, a.workshop_id, (select auth.uid()), p_status, nullif(btrim(p_note), '')
  from cx.action_items a where a.id = p_action;
  update cx.action_items set status = p_status, updated_at = now() where id = p_action;
end
$$;
revoke execute on function app.update_action(uuid, text, text) from public;
grant execute on function app.update_action(uuid, text, text) to authenticated;

-- How long after a workshop its page shows how its actions are doing (a "how are we doing?" check).
alter table cx.organisations
  add column follow_up_days integer not null default 30 check (follow_up_days between 1 and 365);
grant update (follow_up_days) on cx.organisations to authenticated;
