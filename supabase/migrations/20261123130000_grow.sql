-- Grow: the room hears of every obstacle named, moderated or withdrawn, every fix proposed, and
-- every action item the facilitator writes down.
create trigger obstacles_announce after insert or update or delete on public.obstacles
  for each row execute function app.announce_row_change('obstacle');
create trigger fixes_announce after insert or delete on public.fixes
  for each row execute function app.announce_row_change('obstacle', 'obstacle_id');
create trigger action_items_announce after insert or update or delete on public.action_items
  for each row execute function app.announce_row_change('action');
