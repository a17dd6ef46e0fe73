-- The vision statement: phrases from Dream, versions of the draft, amendments from phones and the
-- closing check are all announced to the room as they happen.
create trigger phrases_announce after insert or update or delete on public.phrases
  for each row execute function app.announce_row_change('phrase');
create trigger vision_versions_announce after insert on public.vision_versions
  for each row execute function app.announce_row_change('vision');
create trigger vision_amendments_announce after insert or update on public.vision_amendments
  for each row execute function app.announce_row_change('vision');
create trigger vision_checks_announce after insert or update or delete on public.vision_checks
  for each row execute function app.announce_row_change('vision', 'workshop_id');
