-- The facilitator may hide a shared personal vision, as they hide a story, an obstacle or a cry:
-- moderation wins over consent. A hidden vision leaves the screen's wall, the room, the charter and
-- the organisation; its writer still reads it, and the facilitator still sees it, to show it again.
alter table cx.personal_visions add column hidden boolean not null default false;
grant update (hidden) on cx.personal_visions to authenticated;

drop policy "writers, and those they share with, read personal visions" on cx.personal_visions;
create policy "writers, and those they share with, read personal visions" on cx.personal_visions
  for select to authenticated using (
    participant_id = (select auth.uid())
    or (consent <> 'private'
        and (workshop_id = (select app.view_of('{facilitator}'))
             or app.drives(workshop_id)
             or (not hidden and (workshop_id = (select app.view_of()) or app.in_workshop(workshop_id)))))
    or (consent in ('library_anonymous', 'library_named') and not hidden
        and app.is_member(app.workshop_org(workshop_id)))
  );

create policy "facilitators moderate personal visions" on cx.personal_visions
  for update to authenticated
  using (consent <> 'private' and app.drives(workshop_id))
  with check (app.drives(workshop_id));

-- Writers change what they wrote; facilitators only whether it is hidden (the policies let either
-- update the row, so this says which columns).
create function app.guard_personal_vision_update() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if current_user not in ('authenticated', 'anon') then
    return new;
  end if;
  if new.hidden <> old.hidden and not app.drives(old.workshop_id) then
    raise exception 'Only the facilitator hides a personal vision' using errcode = 'insufficient_privilege';
  end if;
  if (new.vision, new.commitment, new.consent, new.writer_name, new.updated_at)
     is distinct from (old.vision, old.commitment, old.consent, old.writer_name, old.updated_at)
     and old.participant_id is distinct from (select auth.uid()) then
    raise exception 'Only its writer changes a personal vision' using errcode = 'insufficient_privilege';
  end if;
  return new;
end
$$;
revoke execute on function app.guard_personal_vision_update() from public;
create trigger personal_visions_guard_update before update on cx.personal_visions
  for each row execute function app.guard_personal_vision_update();

-- Hiding one, or showing it again, is announced like any change: the views read it again.
drop trigger personal_visions_announce_update on cx.personal_visions;
create trigger personal_visions_announce_update after update on cx.personal_visions
  for each row
  when ((old.consent <> 'private' or new.consent <> 'private')
        and (old.vision, old.commitment, old.consent, old.writer_name, old.hidden)
            is distinct from (new.vision, new.commitment, new.consent, new.writer_name, new.hidden))
  execute function app.announce_row_change('personal_vision');

-- Insights count only the visions the organisation may read.
create or replace function app.insight_outcomes(org uuid, workshops uuid[])
returns table (workshop_id uuid, vision text, rallying_cry text, shared_visions integer)
language sql stable security definer set search_path = ''
as $$
  select w.id,
         (select v.body from cx.vision_versions v where v.workshop_id = w.id order by v.version desc limit 1),
         (select c.text from cx.rallying_cries c where c.id = w.rallying_cry_id and not c.hidden),
         (select count(*)::int from cx.personal_visions p
          where p.workshop_id = w.id and p.consent in ('library_anonymous', 'library_named') and not p.hidden)
  from cx.workshops w
  where app.is_member(org) and w.org_id = org and w.id = any (workshops)
$$;
