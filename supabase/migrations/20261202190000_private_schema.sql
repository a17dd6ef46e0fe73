-- The app's tables leave `public`, the schema Supabase's Data API exposes, for `cx`, which it does
-- not: a member signed in through Supabase Auth cannot call the API with their own token, skip the
-- server's validation and read what the policies alone would allow. The app finds its tables
-- through its connections' search_path (cx, public); policies, triggers, constraints, indexes and
-- grants move with each table. Migrations from here on name `cx.` explicitly.
create schema cx;
grant usage on schema cx to anon, authenticated, service_role;

do $$
declare
  t record;
  f record;
begin
  for t in
    select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p')
  loop
    execute format('alter table public.%I set schema cx', t.relname);
  end loop;
  -- Functions name their tables in full (their search_path is empty): point them at cx.
  for f in
    select p.oid from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'app' and p.prosrc like '%public.%'
  loop
    execute replace(pg_get_functiondef(f.oid), 'public.', 'cx.');
  end loop;
end
$$;
