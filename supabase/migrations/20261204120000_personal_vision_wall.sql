-- The screen's wall of shared personal visions. The facilitator puts it on the screen in place of
-- the stage's own scene (once personal visions are open) and takes it off again; a new stage
-- brings that stage's scene back. The screen and the panel hear of it as of any workshop change.
alter table cx.workshops add column visions_on_screen boolean not null default false;
grant update (visions_on_screen) on cx.workshops to authenticated;

drop trigger workshops_bump_version on cx.workshops;
drop trigger workshops_announce on cx.workshops;
create trigger workshops_bump_version before update on cx.workshops
  for each row
  when ((old.title, old.team_name, old.status, old.stage, old.stage_settings, old.posting_locked,
         old.hidden_until_reveal, old.timer_ends_at, old.timer_paused_ms, old.spotlight_story_id,
         old.rallying_cry_id, old.wall_paused, old.wall_step, old.joining_closed, old.personal_vision_stage,
         old.visions_on_screen)
        is distinct from
        (new.title, new.team_name, new.status, new.stage, new.stage_settings, new.posting_locked,
         new.hidden_until_reveal, new.timer_ends_at, new.timer_paused_ms, new.spotlight_story_id,
         new.rallying_cry_id, new.wall_paused, new.wall_step, new.joining_closed, new.personal_vision_stage,
         new.visions_on_screen))
  execute function app.bump_workshop_version();
create trigger workshops_announce after update on cx.workshops
  for each row
  when (old.version is distinct from new.version
        and (old.title, old.team_name, old.status, old.stage, old.stage_settings, old.posting_locked,
             old.hidden_until_reveal, old.timer_ends_at, old.timer_paused_ms, old.spotlight_story_id,
             old.rallying_cry_id, old.wall_paused, old.wall_step, old.joining_closed, old.personal_vision_stage,
             old.visions_on_screen)
            is distinct from
            (new.title, new.team_name, new.status, new.stage, new.stage_settings, new.posting_locked,
             new.hidden_until_reveal, new.timer_ends_at, new.timer_paused_ms, new.spotlight_story_id,
             new.rallying_cry_id, new.wall_paused, new.wall_step, new.joining_closed, new.personal_vision_stage,
             new.visions_on_screen))
  execute function app.announce_workshop_change();

-- A vision written, changed or withdrawn is announced with its id alone; the screen and the panel
-- read it again through the policies (gone, for them, once it is private). One kept private from
-- start to finish is never announced: nobody else could see it change. Neither is a new kept link.
create trigger personal_visions_announce_insert after insert on cx.personal_visions
  for each row when (new.consent <> 'private')
  execute function app.announce_row_change('personal_vision');
create trigger personal_visions_announce_update after update on cx.personal_visions
  for each row
  when ((old.consent <> 'private' or new.consent <> 'private')
        and (old.vision, old.commitment, old.consent, old.writer_name)
            is distinct from (new.vision, new.commitment, new.consent, new.writer_name))
  execute function app.announce_row_change('personal_vision');
create trigger personal_visions_announce_delete after delete on cx.personal_visions
  for each row when (old.consent <> 'private')
  execute function app.announce_row_change('personal_vision');
