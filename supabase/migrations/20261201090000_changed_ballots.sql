-- A changed ballot changes the count the facilitator may peek at, so the room hears of it too; a
-- ballot sent again unchanged (a retry) still announces nothing.
create trigger ballots_announce_change after update of choices on public.ballots
  for each row when (old.choices is distinct from new.choices)
  execute function app.announce_row_change('ballot', 'vote_id');
