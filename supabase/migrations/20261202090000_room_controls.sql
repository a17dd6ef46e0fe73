-- The room's controls that the projector follows: the story wall can be paused and stepped from the
-- control panel. Both are workshop columns, so every screen hears of them like any other change.
alter table public.workshops
  add column wall_paused boolean not null default false,
  -- Pages the facilitator stepped the wall on (or back); the screen shows it modulo its page count.
  add column wall_step integer not null default 0;

-- The version triggers list the columns people see: add the wall's.
drop trigger workshops_bump_version on public.workshops;
drop trigger workshops_announce on public.workshops;

create trigger workshops_bump_version before update on public.workshops
  for each row
  when ((old.title, old.team_name, old.status, old.stage, old.stage_settings, old.posting_locked,
         old.hidden_until_reveal, old.timer_ends_at, old.timer_paused_ms, old.spotlight_story_id,
         old.rallying_cry_id, old.wall_paused, old.wall_step)
        is distinct from
        (new.title, new.team_name, new.status, new.stage, new.stage_settings, new.posting_locked,
         new.hidden_until_reveal, new.timer_ends_at, new.timer_paused_ms, new.spotlight_story_id,
         new.rallying_cry_id, new.wall_paused, new.wall_step))
  execute function app.bump_workshop_version();

create trigger workshops_announce after update on public.workshops
  for each row
  when (old.version is distinct from new.version
        and (old.title, old.team_name, old.status, old.stage, old.stage_settings, old.posting_locked,
             old.hidden_until_reveal, old.timer_ends_at, old.timer_paused_ms, old.spotlight_story_id,
             old.rallying_cry_id, old.wall_paused, old.wall_step)
            is distinct from
            (new.title, new.team_name, new.status, new.stage, new.stage_settings, new.posting_locked,
             new.hidden_until_reveal, new.timer_ends_at, new.timer_paused_ms, new.spotlight_story_id,
             new.rallying_cry_id, new.wall_paused, new.wall_step))
  execute function app.announce_workshop_change();
