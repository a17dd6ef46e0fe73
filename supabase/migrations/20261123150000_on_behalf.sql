-- Hybrid rooms: someone without a phone still counts. The facilitator adds them by name (a
-- participant with no secret, so no phone can ever act as them) and enters their story or ballot;
-- such entries stay marked as entered on their behalf.
create function app.add_paper_participant(workshop uuid, p_display_name text) returns uuid
language plpgsql volatile security definer set search_path = ''
as $$
declare
  participant uuid;
begin
  if not (app.drives(workshop) and app.is_live(workshop)) then
    raise exception 'Only the facilitator of a live workshop adds people' using errcode = 'insufficient_privilege';
  end if;
  select p.id into participant from public.participants p
   where p.workshop_id = workshop and p.entered_by is not null and p.display_name = btrim(p_display_name);
  if participant is null then
    insert into public.participants (workshop_id, display_name, entered_by)
    values (workshop, btrim(p_display_name), (select auth.uid())) returning id into participant;
  end if;
  return participant;
end
$$;
revoke execute on function app.add_paper_participant(uuid, text) from public;
grant execute on function app.add_paper_participant(uuid, text) to authenticated;

-- Only people added by the facilitator can have ballots entered for them.
create function app.is_paper_participant(participant uuid, workshop uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.participants p
    where p.id = participant and p.workshop_id = workshop and p.entered_by is not null
  )
$$;

drop policy "participants cast a ballot while the vote is open; facilitators on someone's behalf" on public.ballots;
create policy "participants cast a ballot while the vote is open; facilitators on someone's behalf" on public.ballots
  for insert to authenticated with check (
    workshop_id = app.vote_workshop(vote_id) and app.vote_open(vote_id) and (
      (not on_behalf and participant_id = (select auth.uid()))
      or (on_behalf and app.drives(workshop_id) and app.is_paper_participant(participant_id, workshop_id))
    )
  );
