-- Votes (dot votes on obstacles, the rallying-cry vote): a ballot must fit its vote's rules,
-- whoever casts it and however often it is resent, and the room hears of every ballot and every
-- change to a vote. Counting stays in the app (src/lib/tally.ts); the database keeps it honest.

-- What a vote's ballots may name: its runoff list, or else the subject's visible items, oldest
-- first (the order a tally lists tied options in).
create function app.vote_choices(vote public.votes) returns uuid[]
language sql stable security definer set search_path = ''
as $$
  select case
    when cardinality(vote.options) > 0 then vote.options
    when vote.subject = 'rallying_cry' then
      array(select c.id from public.rallying_cries c where c.workshop_id = vote.workshop_id and not c.hidden
            order by c.created_at, c.id)
    else array(select o.id from public.obstacles o where o.workshop_id = vote.workshop_id and not o.hidden
               order by o.created_at, o.id)
  end
$$;

create function app.check_ballot() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  vote public.votes;
  choices uuid[];
begin
  select * into vote from public.votes v where v.id = new.vote_id;
  if not found then
    raise exception 'No such vote' using errcode = 'foreign_key_violation';
  end if;
  new.workshop_id := vote.workshop_id;
  begin
    choices := array(select jsonb_array_elements_text(new.choices)::uuid);
  exception when invalid_text_representation then
    raise exception 'A ballot names something that is not on this vote' using errcode = 'check_violation';
  end;
  if not choices <@ app.vote_choices(vote) then
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
create trigger ballots_check before insert or update of choices, vote_id on public.ballots
  for each row execute function app.check_ballot();

-- The room hears of votes opening, closing and being revealed, and of each ballot cast (a
-- replaced ballot changes no count, so it is not announced).
create trigger votes_announce after insert or update on public.votes
  for each row execute function app.announce_row_change('vote');
create trigger ballots_announce after insert or delete on public.ballots
  for each row execute function app.announce_row_change('ballot', 'vote_id');

-- A revealed winner cannot be changed by re-running a reveal; a tie is broken only once.
create function app.guard_vote_update() returns trigger
language plpgsql
as $$
begin
  if new.workshop_id <> old.workshop_id or new.subject <> old.subject or new.method <> old.method
     or new.dots <> old.dots or new.may_stack <> old.may_stack or new.options <> old.options then
    raise exception 'A vote''s rules cannot change once it is open' using errcode = 'insufficient_privilege';
  end if;
  if old.status = 'revealed' and new.status <> 'revealed' then
    raise exception 'A revealed vote stays revealed' using errcode = 'check_violation';
  end if;
  if old.status = 'closed' and new.status = 'open' then
    raise exception 'A closed vote cannot reopen; open a new one' using errcode = 'check_violation';
  end if;
  if old.winner_id is not null and new.winner_id is distinct from old.winner_id then
    raise exception 'The winner is already decided' using errcode = 'check_violation';
  end if;
  return new;
end
$$;
create trigger votes_guard_update before update on public.votes
  for each row execute function app.guard_vote_update();

-- Rallying cries: "Let's go!" and "lets go" are one proposal, proposed twice ----------------------

alter table public.rallying_cries add column proposals integer not null default 1 check (proposals >= 1);

-- Proposes a cry during Excite, or counts one more proposal of the same cry. A function, because
-- merging updates a row the participant may not update directly.
create function app.propose_rallying_cry(p_text text) returns table (id uuid, merged boolean)
language plpgsql volatile security definer set search_path = ''
as $$
declare
  workshop uuid := app.my_workshop();
begin
  if workshop is null or not app.may_post(workshop, 'excite') then
    raise exception 'Proposals are closed' using errcode = 'insufficient_privilege';
  end if;
  return query
    insert into public.rallying_cries as c (workshop_id, participant_id, text)
    values (workshop, (select auth.uid()), p_text)
    on conflict (workshop_id, normalized) do update set proposals = c.proposals + 1
    returning c.id, c.proposals > 1;
end
$$;
revoke execute on function app.propose_rallying_cry(text) from public;
grant execute on function app.propose_rallying_cry(text) to authenticated;

create trigger rallying_cries_announce after insert or update on public.rallying_cries
  for each row execute function app.announce_row_change('cry');

-- Once a vote is revealed, anyone who sees the workshop may count it (the charter, the library),
-- but never see who voted how: only the choices leave this function.
create function app.revealed_ballots(vote uuid) returns setof jsonb
language sql stable security definer set search_path = ''
as $$
  select b.choices from public.ballots b join public.votes v on v.id = b.vote_id
  where b.vote_id = vote and v.status = 'revealed' and app.sees_workshop(v.workshop_id)
$$;
revoke execute on function app.revealed_ballots(uuid) from public;
grant execute on function app.revealed_ballots(uuid) to authenticated;
