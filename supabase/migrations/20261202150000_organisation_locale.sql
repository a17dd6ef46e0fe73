-- Each organisation reads dates (and counts) in its own language and region, e.g. en-GB or fr-FR.
-- Owners set it (the existing "owners rename their organisation" policy covers the update).
alter table public.organisations
  add column locale text not null default 'en-GB'
    check (locale ~ '^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$');

-- Everyone in a workshop reads its dates the organisation's way, participants included (who may not
-- read the organisation itself). A locale tells nothing about anyone.
create function app.workshop_locale(workshop uuid) returns text
language sql stable security definer set search_path = ''
as $$ select o.locale from public.workshops w join public.organisations o on o.id = w.org_id where w.id = workshop $$;
revoke execute on function app.workshop_locale(uuid) from public;
grant execute on function app.workshop_locale(uuid) to authenticated, service_role;
