-- Authorisation gaps a direct database session (or Supabase's Data API) could reach, closed in the
-- policies and guards themselves, so no route has to remember them.

-- A ballot counts only in a vote of the voter's own workshop (and stays there when replaced).
drop policy "participants cast a ballot while the vote is open; facilitators" on public.ballots;
create policy "participants vote in their workshop; facilitators on behalf" on public.ballots
  for insert to authenticated
  with check (
    workshop_id = app.vote_workshop(vote_id) and app.vote_open(vote_id) and (
      (not on_behalf and participant_id = (select auth.uid()) and app.in_workshop(workshop_id))
      or (on_behalf and app.drives(workshop_id) and app.is_paper_participant(participant_id, workshop_id))
    )
  );
drop policy "participants replace their ballot while the vote is open" on public.ballots;
create policy "participants replace their ballot while the vote is open" on public.ballots
  for update to authenticated
  using (participant_id = (select auth.uid()) or (on_behalf and app.drives(workshop_id)))
  with check (
    workshop_id = app.vote_workshop(vote_id) and app.vote_open(vote_id) and (
      (not on_behalf and participant_id = (select auth.uid()) and app.in_workshop(workshop_id))
      or (on_behalf and app.drives(workshop_id) and app.is_paper_participant(participant_id, workshop_id))
    )
  );

-- Ballots and closing checks are secret: a participant reads their own; a facilitator only what
-- they entered on someone's behalf. Counts come from app.vote_ballots (choices, never who).
drop policy "participants read their ballot, facilitators count" on public.ballots;
create policy "participants read their ballot; facilitators what they entered" on public.ballots
  for select to authenticated
  using (participant_id = (select auth.uid()) or (on_behalf and app.drives(workshop_id)));
drop policy "participants read their check, facilitators tally" on public.vision_checks;
create policy "participants read their own check" on public.vision_checks
  for select to authenticated
  using (participant_id = (select auth.uid()));

-- The choices of a vote's ballots, without who made them: for its facilitators (a peek, the
-- reveal) and the owner connection. Request roles are told apart by the session's role setting,
-- which a security-definer function does not change.
create function app.vote_ballots(vote uuid) returns setof jsonb
language sql stable security definer set search_path = ''
as $$
  select b.choices from public.ballots b
  where b.vote_id = vote
    and (current_setting('role') not in ('anon', 'authenticated') or app.drives(b.workshop_id))
$$;

-- A fix is withdrawn while Grow is open, like the obstacle it answers.
drop policy "participants withdraw their fixes" on public.fixes;
create policy "participants withdraw their fixes during Grow" on public.fixes
  for delete to authenticated
  using (participant_id = (select auth.uid()) and app.may_post(workshop_id, 'grow'));

-- A workshop stays in its organisation under its code; an ended one stays ended.
create function app.guard_workshop_update() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if current_user not in ('authenticated', 'anon') then
    return new;
  end if;
  if (new.id, new.org_id, new.join_code, new.created_by, new.created_at)
     is distinct from (old.id, old.org_id, old.join_code, old.created_by, old.created_at)
     or new.version not in (old.version, old.version + 1) then
    raise exception 'These workshop fields cannot be changed' using errcode = 'insufficient_privilege';
  end if;
  if old.status = 'ended' and new.status <> 'ended' then
    raise exception 'An ended workshop stays ended' using errcode = 'check_violation';
  end if;
  return new;
end
$$;
-- Named to run after workshops_bump_version (triggers fire in name order), which moves the version.
create trigger workshops_guard_update before update on public.workshops
  for each row execute function app.guard_workshop_update();

-- Owners rename their organisation and choose its locale; whether it is the demo is not theirs.
revoke update on public.organisations from authenticated;
grant update (name, locale) on public.organisations to authenticated;

-- Story fields the library sets are never chosen by whoever posts.
create function app.guard_story_insert() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if current_user in ('authenticated', 'anon')
     and (new.library_at is not null or new.featured_at is not null or new.reaction_count <> 0
          or new.edited_at is not null) then
    raise exception 'These story fields are set by the library' using errcode = 'insufficient_privilege';
  end if;
  return new;
end
$$;
create trigger stories_guard_insert before insert on public.stories
  for each row execute function app.guard_story_insert();

-- Moderation wins over consent: a hidden story never enters the library (and hiding one takes it out).
update public.stories set library_at = null where hidden and library_at is not null;
alter table public.stories add constraint stories_hidden_not_in_library check (not (hidden and library_at is not null));

create function app.keep_hidden_out_of_library() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if new.hidden then
    new.library_at := null;
  end if;
  return new;
end
$$;
-- After stories_guard_update (name order), which refuses a library_at set by hand.
create trigger stories_hidden_leave_library before update of hidden on public.stories
  for each row execute function app.keep_hidden_out_of_library();

create or replace function app.end_workshop(workshop uuid) returns boolean
language plpgsql security definer set search_path = ''
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
   where workshop_id = workshop and consent <> 'room' and not hidden and library_at is null;
  return true;
end
$$;

-- Facilitating follows membership: leaving the organisation, or no longer being an owner or
-- facilitator there, ends it in every workshop of that organisation.
delete from public.workshop_facilitators f
 using public.workshops w
 where w.id = f.workshop_id and not exists (
   select 1 from public.memberships m
   where m.org_id = w.org_id and m.user_id = f.user_id and m.role in ('owner', 'facilitator'));

create function app.end_facilitating() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op = 'DELETE' or new.role not in ('owner', 'facilitator') then
    delete from public.workshop_facilitators f
     using public.workshops w
     where w.id = f.workshop_id and w.org_id = old.org_id and f.user_id = old.user_id;
  end if;
  return null;
end
$$;
create trigger memberships_end_facilitating after update of role or delete on public.memberships
  for each row execute function app.end_facilitating();

-- Access that ends is announced on the workshop's channel (`access`, no new version), so every
-- instance checks its open streams again at once instead of at their next reconnect.
create function app.announce_access(workshop uuid, who uuid) returns void
language sql volatile security definer set search_path = ''
as $$
  select pg_notify(app.workshop_channel(w.id), json_build_object('v', w.version, 'what', 'access', 'ref', who)::text)
  from public.workshops w where w.id = workshop
$$;

create function app.announce_access_change() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_table_name = 'workshops' then
    perform app.announce_access(old.id, null);
  elsif tg_table_name = 'workshop_facilitators' then
    perform app.announce_access(old.workshop_id, old.user_id);
  elsif tg_table_name = 'participants' then
    perform app.announce_access(old.workshop_id, old.id);
  else -- memberships: every workshop of the organisation still running
    perform app.announce_access(w.id, old.user_id)
       from public.workshops w where w.org_id = old.org_id and w.status <> 'ended';
  end if;
  return null;
end
$$;
create trigger workshops_announce_access after update of screen_token_hash on public.workshops
  for each row when (old.screen_token_hash is not null and old.screen_token_hash is distinct from new.screen_token_hash)
  execute function app.announce_access_change();
create trigger workshop_facilitators_announce_access after delete on public.workshop_facilitators
  for each row execute function app.announce_access_change();
create trigger participants_announce_access after delete on public.participants
  for each row execute function app.announce_access_change();
create trigger memberships_announce_access after update of role or delete on public.memberships
  for each row execute function app.announce_access_change();

-- Every function runs with a fixed search_path (Supabase's linter asks for it), and none is
-- callable by PUBLIC: request roles get what their policies and calls need, anon only the two
-- functions a phone uses before it has joined. Trigger functions need no grant to fire.
do $$
declare
  f record;
begin
  for f in
    select p.oid::regprocedure as sig, p.proconfig, p.prorettype = 'trigger'::regtype as is_trigger
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'app'
  loop
    if f.proconfig is null or not exists (select 1 from unnest(f.proconfig) c where c like 'search_path=%') then
      execute format('alter function %s set search_path = %L', f.sig, '');
    end if;
    execute format('revoke execute on function %s from public', f.sig);
    if not f.is_trigger then
      execute format('grant execute on function %s to authenticated, service_role', f.sig);
    end if;
  end loop;
end
$$;
revoke execute on function app.announce(uuid, text, uuid) from authenticated, service_role;
revoke execute on function app.announce_access(uuid, uuid) from authenticated, service_role;
alter default privileges in schema app revoke execute on functions from public;
