-- Results that stay true. What a reveal shows is stored on the vote in the reveal's transaction and
-- never changes after: later proposals, hides, merges or ballots cannot recount it. Proposals close
-- when a vote on them opens. Duplicate obstacles can be merged, their fixes, actions and dots with
-- them.

-- A revealed result is frozen ---------------------------------------------------------------------

alter table public.votes
  -- What the reveal showed: the tally (rounds, totals, winners), and each option's words then.
  add column result jsonb check (jsonb_typeof(result) = 'object'),
  add column labels jsonb check (jsonb_typeof(labels) = 'object'),
  -- A runoff among a revealed vote's tied options names that vote: its winner settles that tie too.
  add column runoff_of uuid references public.votes (id) on delete cascade,
  add constraint votes_result_with_labels check ((result is null) = (labels is null)),
  add constraint votes_result_only_revealed check (result is null or status = 'revealed');

-- The result is written by the reveal that shows it, once. (Votes revealed before results were
-- stored have none: the app stores theirs once at start-up, which this allows.)
create function app.guard_vote_result() returns trigger
language plpgsql
as $$
begin
  if tg_op = 'INSERT' then
    if new.status = 'revealed' or new.result is not null then
      raise exception 'A vote is revealed by its reveal, which stores the result' using errcode = 'check_violation';
    end if;
    if new.runoff_of is not null and not exists (
      select 1 from public.votes v
      where v.id = new.runoff_of and v.workshop_id = new.workshop_id and v.subject = new.subject
        and v.status = 'revealed'
    ) then
      raise exception 'A runoff settles a revealed vote on the same subject' using errcode = 'check_violation';
    end if;
    return new;
  end if;
  if new.runoff_of is distinct from old.runoff_of then
    raise exception 'A vote''s rules cannot change once it is open' using errcode = 'insufficient_privilege';
  end if;
  if old.result is not null and (new.result, new.labels) is distinct from (old.result, old.labels) then
    raise exception 'A revealed result cannot change' using errcode = 'check_violation';
  end if;
  if old.status <> 'revealed' and new.status = 'revealed' and new.result is null then
    raise exception 'A vote is revealed with its result' using errcode = 'check_violation';
  end if;
  return new;
end
$$;
create trigger votes_guard_result before insert or update on public.votes
  for each row execute function app.guard_vote_result();

-- A ballot and the reveal of its vote never pass each other: the ballot locks its vote's row
-- (shared), so the reveal, which locks it to count, either waits for the ballot and counts it, or
-- goes first and the ballot finds the vote revealed and is refused. Every ballot taken is in the
-- stored result. A ballot rewritten by a merge may keep a choice hidden since it was cast (it counts
-- again only if shown again); nothing else on it may name what is not on the vote.
create or replace function app.check_ballot() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  vote public.votes;
  choices uuid[];
  allowed uuid[];
begin
  select * into vote from public.votes v where v.id = new.vote_id for share;
  if not found then
    raise exception 'No such vote' using errcode = 'foreign_key_violation';
  end if;
  if vote.status = 'revealed' then
    raise exception 'This vote is closed' using errcode = 'insufficient_privilege';
  end if;
  new.workshop_id := vote.workshop_id;
  begin
    choices := array(select jsonb_array_elements_text(new.choices)::uuid);
  exception when invalid_text_representation then
    raise exception 'A ballot names something that is not on this vote' using errcode = 'check_violation';
  end;
  allowed := app.vote_choices(vote);
  if tg_op = 'UPDATE' then
    allowed := allowed || array(select jsonb_array_elements_text(old.choices)::uuid);
  end if;
  if not choices <@ allowed then
    raise exception 'A ballot names something that is not on this vote' using errcode = 'check_violation';
  end if;
  if vote.method = 'single' and cardinality(choices) <> 1 then
    raise exception 'Choose exactly one' using errcode = 'check_violation';
  end if;
  if vote.method = 'dot' and cardinality(choices) > vote.dots then
    raise exception 'You have % dots to place', vote.dots using errcode = 'check_violation';
  end if;
  if (vote.method = 'ranked' or not vote.may_stack)
     and cardinality(choices) <> (select count(distinct c) from unnest(choices) c) then
    raise exception 'Each choice may appear only once on this ballot' using errcode = 'check_violation';
  end if;
  return new;
end
$$;

-- A ballot changed by its voter is announced (the facilitator's peek follows it). Ballots rewritten
-- by a merge keep their updated_at: the merge's own obstacle announcement covers them all at once,
-- rather than one announcement per ballot.
drop trigger ballots_announce_change on public.ballots;
create trigger ballots_announce_change after update of choices on public.ballots
  for each row when (old.choices is distinct from new.choices and old.updated_at is distinct from new.updated_at)
  execute function app.announce_row_change('ballot', 'vote_id');

-- The charter and every screen now read the stored result: nothing counts revealed ballots any more.
drop function app.revealed_ballots(uuid);

-- Proposals close when a vote on them opens ------------------------------------------------------

-- Whether a vote on `subject` was ever opened in the workshop (open, closed or revealed).
create function app.voting_started(workshop uuid, p_subject text) returns boolean
language sql stable security definer set search_path = ''
as $$ select exists (select 1 from public.votes v where v.workshop_id = workshop and v.subject = p_subject) $$;
revoke execute on function app.voting_started(uuid, text) from public;
grant execute on function app.voting_started(uuid, text) to authenticated;

create or replace function app.propose_rallying_cry(p_text text) returns table (id uuid, merged boolean)
language plpgsql volatile security definer set search_path = ''
as $$
declare
  workshop uuid := app.my_workshop();
begin
  if workshop is null or not app.may_post(workshop, 'excite') or app.voting_started(workshop, 'rallying_cry') then
    raise exception 'Proposals are closed' using errcode = 'insufficient_privilege';
  end if;
  return query
    insert into public.rallying_cries as c (workshop_id, participant_id, text)
    values (workshop, (select auth.uid()), p_text)
    on conflict (workshop_id, normalized) do update set proposals = c.proposals + 1
    returning c.id, c.proposals > 1;
end
$$;

drop policy "participants propose rallying cries during Excite; facilitators on someone's behalf" on public.rallying_cries;
create policy "participants propose rallying cries during Excite; facilitators on someone's behalf" on public.rallying_cries
  for insert to authenticated with check (
    not app.voting_started(workshop_id, 'rallying_cry') and (
      (not on_behalf and participant_id = (select auth.uid()) and app.may_post(workshop_id, 'excite'))
      or (on_behalf and app.drives(workshop_id) and app.is_live(workshop_id))
    )
  );

-- Fixes stay open: only naming new obstacles closes.
drop policy "participants name obstacles during Grow; facilitators on someone's behalf" on public.obstacles;
create policy "participants name obstacles during Grow; facilitators on someone's behalf" on public.obstacles
  for insert to authenticated with check (
    not app.voting_started(workshop_id, 'obstacles') and (
      (not on_behalf and participant_id = (select auth.uid()) and app.may_post(workshop_id, 'grow'))
      or (on_behalf and app.drives(workshop_id) and app.is_live(workshop_id))
    )
  );

-- Merging duplicate obstacles --------------------------------------------------------------------

-- The facilitator merges `p_from` into `p_into` (both of one live workshop they drive): its fixes,
-- its action items and its dots on every vote not yet revealed move over, and it is removed. Where
-- dots may not stack, a ballot that had both keeps one dot there. Revealed results stay as they
-- were. False when the caller may not; an exception with words for the panel when it cannot be
-- done.
create function app.merge_obstacles(p_from uuid, p_into uuid) returns boolean
language plpgsql volatile security definer set search_path = ''
as $$
declare
  merged public.obstacles;
  kept public.obstacles;
begin
  select * into merged from public.obstacles o where o.id = p_from for update;
  select * into kept from public.obstacles o where o.id = p_into for update;
  if merged.id is null or kept.id is null or merged.id = kept.id or merged.workshop_id <> kept.workshop_id
     or not (app.drives(kept.workshop_id) and app.is_live(kept.workshop_id)) then
    return false;
  end if;
  if kept.hidden then
    raise exception 'Show the obstacle you merge into first' using errcode = 'check_violation';
  end if;
  if exists (
    select 1 from public.votes v
    where v.workshop_id = kept.workshop_id and v.subject = 'obstacles' and v.status <> 'revealed'
      and (p_from = any (v.options) or p_into = any (v.options))
  ) then
    raise exception 'One of these is on a runoff: reveal the runoff before merging' using errcode = 'check_violation';
  end if;

  update public.fixes set obstacle_id = p_into where obstacle_id = p_from;
  update public.action_items set obstacle_id = p_into where obstacle_id = p_from;
  update public.ballots b
     set choices = (
       select jsonb_agg(to_jsonb(m.choice) order by m.position)
       from (
         select e.position, c.choice, row_number() over (partition by c.choice order by e.position) as nth
         from jsonb_array_elements_text(b.choices) with ordinality as e(original, position)
         cross join lateral (
           select case when e.original = p_from::text then p_into::text else e.original end as choice
         ) c
       ) m
       where m.nth = 1 or (v.method = 'dot' and v.may_stack)
     )
    from public.votes v
   where v.id = b.vote_id and v.workshop_id = kept.workshop_id and v.subject = 'obstacles'
     and v.status <> 'revealed' and b.choices ? p_from::text;
  delete from public.obstacles where id = p_from;
  return true;
end
$$;
revoke execute on function app.merge_obstacles(uuid, uuid) from public;
grant execute on function app.merge_obstacles(uuid, uuid) to authenticated;
