-- A workshop's facilitators and its organisation's owners may delete it, with everything in it (its
-- stories, in the library too, ballots, participants: the foreign keys cascade) — but not while it
-- runs, when phones and a screen are following it: end it first.
drop policy "facilitators delete their workshops" on cx.workshops;
create policy "facilitators and owners delete workshops not running" on cx.workshops
  for delete to authenticated using (app.drives(id) and status <> 'live');
