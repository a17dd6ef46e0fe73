-- A member who moves to Supabase Auth keeps their account. When a Supabase user signs in whose
-- e-mail Supabase has verified and an account here already has, the server gives that account the
-- Supabase user's id (`update cx.users set id = …`): every row that names the account follows it,
-- so memberships, workshops and invites stay theirs.
do $$
declare
  fk record;
begin
  for fk in
    select c.conrelid::regclass as tbl, c.conname, pg_get_constraintdef(c.oid) as def
    from pg_constraint c
    where c.contype = 'f' and c.confrelid = 'cx.users'::regclass and c.confupdtype <> 'c'
  loop
    execute format('alter table %s drop constraint %I', fk.tbl, fk.conname);
    execute format('alter table %s add constraint %I %s on update cascade', fk.tbl, fk.conname, fk.def);
  end loop;
end
$$;
