-- Supabase platform objects that plain PostgreSQL and PGlite lack. Applied only outside Supabase
-- (hosted projects already have them), on every start, under the migrations' lock; never a migration.
-- It changes only what is missing, so an owner that is not a superuser (a managed PostgreSQL) can
-- run it once the roles exist, and instances starting together do not update one catalogue row.
do $$
declare
  r text;
  setup constant text :=
    'Run once as an administrator, replacing OWNER with the role the app connects as: '
    'create role anon nologin noinherit; create role authenticated nologin noinherit; '
    'create role service_role nologin noinherit bypassrls; grant anon, authenticated, service_role to OWNER;';
begin
  foreach r in array array['anon', 'authenticated', 'service_role'] loop
    if not exists (select 1 from pg_roles where rolname = r) then
      begin
        execute format('create role %I nologin noinherit', r);
      exception when insufficient_privilege then
        raise exception 'The database role "%" is missing, and "%" may not create roles.', r, current_user
          using errcode = 'insufficient_privilege', hint = setup;
      end;
    end if;
    -- Each request runs as one of these roles (`set role`), as Supabase's API does.
    if not pg_has_role(current_user, r, 'member') then
      begin
        execute format('grant %I to %I', r, current_user);
      exception when insufficient_privilege then
        raise exception '"%" is not a member of the role "%", and may not make itself one.', current_user, r
          using errcode = 'insufficient_privilege', hint = setup;
      end;
    end if;
  end loop;
  -- On Supabase, service_role bypasses row-level security. The app never uses it, and only a
  -- superuser may set the attribute, so another owner goes on without it.
  if exists (select 1 from pg_roles where rolname = 'service_role' and not rolbypassrls)
     and exists (select 1 from pg_roles where rolname = current_user and rolsuper) then
    alter role service_role bypassrls;
  end if;
end
$$;

create schema if not exists auth;

create or replace function auth.jwt() returns jsonb
language sql stable
as $$
  select coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb
$$;

create or replace function auth.uid() returns uuid
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    auth.jwt() ->> 'sub'
  )::uuid
$$;

create or replace function auth.role() returns text
language sql stable
as $$
  select coalesce(nullif(current_setting('request.jwt.claim.role', true), ''), auth.jwt() ->> 'role')
$$;

grant usage on schema auth to anon, authenticated, service_role;
grant usage on schema public to anon, authenticated, service_role;
