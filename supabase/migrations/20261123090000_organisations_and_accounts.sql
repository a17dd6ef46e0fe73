-- Organisations, members and roles, and the private tables of the app's own sign-in.
-- Policies call small security-definer helpers in schema `app` so that they never recurse through
-- each other's row-level security; `(select auth.uid())` is evaluated once per statement.

create schema if not exists app;
grant usage on schema app to anon, authenticated, service_role;

create table public.organisations (
  id uuid primary key default gen_random_uuid(),
  name text not null check (char_length(name) between 1 and 120),
  is_demo boolean not null default false,
  created_at timestamptz not null default now()
);

create table public.users (
  id uuid primary key default gen_random_uuid(),
  email text not null check (char_length(email) between 3 and 254 and email = lower(email) and email like '%_@_%'),
  display_name text not null check (char_length(display_name) between 1 and 80),
  created_at timestamptz not null default now(),
  constraint users_email_key unique (email)
);

create table public.memberships (
  org_id uuid not null references public.organisations (id) on delete cascade,
  user_id uuid not null references public.users (id) on delete cascade,
  role text not null check (role in ('owner', 'facilitator', 'leader')),
  created_at timestamptz not null default now(),
  primary key (org_id, user_id)
);
create index memberships_user_id_idx on public.memberships (user_id);

create table public.invites (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organisations (id) on delete cascade,
  role text not null check (role in ('owner', 'facilitator', 'leader')),
  token_hash text not null unique check (char_length(token_hash) = 64),
  created_by uuid references public.users (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '7 days',
  accepted_by uuid references public.users (id) on delete set null,
  accepted_at timestamptz
);
create index invites_org_id_idx on public.invites (org_id);

-- Sign-in secrets: read and written only by the sign-in service (the owner connection), never by a
-- request's identity. RLS is on with no policies, so authenticated and anon see nothing.
create table public.credentials (
  user_id uuid primary key references public.users (id) on delete cascade,
  password_hash text not null,
  updated_at timestamptz not null default now()
);

create table public.sessions (
  token_hash text primary key check (char_length(token_hash) = 64),
  user_id uuid not null references public.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_user_id_idx on public.sessions (user_id);

create table public.sign_in_attempts (
  id bigint generated always as identity primary key,
  key text not null check (char_length(key) <= 300),
  at timestamptz not null default now()
);
create index sign_in_attempts_key_at_idx on public.sign_in_attempts (key, at);

-- Helpers for policies ---------------------------------------------------------------------------

create function app.has_org_role(org uuid, roles text[]) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.memberships m
    where m.org_id = org and m.user_id = (select auth.uid()) and m.role = any (roles)
  )
$$;

create function app.is_member(org uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select app.has_org_role(org, array['owner', 'facilitator', 'leader'])
$$;

create function app.shares_org(other uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.memberships mine
    join public.memberships theirs on theirs.org_id = mine.org_id
    where mine.user_id = (select auth.uid()) and theirs.user_id = other
  )
$$;

-- An organisation always keeps an owner (checked at commit, so a role swap in one transaction works).
create function app.keep_an_owner() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if exists (select 1 from public.organisations o where o.id = old.org_id)
     and not exists (select 1 from public.memberships m where m.org_id = old.org_id and m.role = 'owner') then
    raise exception 'An organisation needs at least one owner' using errcode = 'check_violation';
  end if;
  return null;
end
$$;
create constraint trigger memberships_keep_an_owner
  after update or delete on public.memberships
  deferrable initially deferred
  for each row execute function app.keep_an_owner();

-- Accepting an invite: the invitee cannot insert a membership directly, so this checks the token.
create function app.accept_invite(p_token_hash text) returns uuid
language plpgsql volatile security definer set search_path = ''
as $$
declare
  invite public.invites;
  me uuid := (select auth.uid());
begin
  if me is null or not exists (select 1 from public.users u where u.id = me) then
    raise exception 'Sign in to accept an invite' using errcode = 'insufficient_privilege';
  end if;
  select * into invite from public.invites i
  where i.token_hash = p_token_hash and i.accepted_at is null and i.expires_at > now()
  for update;
  if not found then
    raise exception 'This invite link is not valid any more' using errcode = 'no_data_found';
  end if;
  insert into public.memberships (org_id, user_id, role) values (invite.org_id, me, invite.role)
  on conflict (org_id, user_id) do nothing;
  update public.invites set accepted_by = me, accepted_at = now() where id = invite.id;
  return invite.org_id;
end
$$;
revoke execute on function app.accept_invite(text) from public;
grant execute on function app.accept_invite(text) to authenticated;

-- Row-level security ------------------------------------------------------------------------------

alter table public.organisations enable row level security;
alter table public.users enable row level security;
alter table public.memberships enable row level security;
alter table public.invites enable row level security;
alter table public.credentials enable row level security;
alter table public.sessions enable row level security;
alter table public.sign_in_attempts enable row level security;

grant select, update on public.organisations to authenticated;
grant select, update (display_name) on public.users to authenticated;
grant select, update, delete on public.memberships to authenticated;
grant select, insert, delete on public.invites to authenticated;

create policy "members read their organisation" on public.organisations
  for select to authenticated using (app.is_member(id));
create policy "owners rename their organisation" on public.organisations
  for update to authenticated using (app.has_org_role(id, array['owner'])) with check (app.has_org_role(id, array['owner']));

create policy "users read themselves and colleagues" on public.users
  for select to authenticated using (id = (select auth.uid()) or app.shares_org(id));
create policy "users edit themselves" on public.users
  for update to authenticated using (id = (select auth.uid())) with check (id = (select auth.uid()));

create policy "members read their organisation's members" on public.memberships
  for select to authenticated using (app.is_member(org_id));
create policy "owners change roles" on public.memberships
  for update to authenticated using (app.has_org_role(org_id, array['owner'])) with check (app.has_org_role(org_id, array['owner']));
create policy "owners remove members, members leave" on public.memberships
  for delete to authenticated using (app.has_org_role(org_id, array['owner']) or user_id = (select auth.uid()));

create policy "owners read invites" on public.invites
  for select to authenticated using (app.has_org_role(org_id, array['owner']));
create policy "owners create invites" on public.invites
  for insert to authenticated with check (app.has_org_role(org_id, array['owner']) and created_by = (select auth.uid()));
create policy "owners revoke invites" on public.invites
  for delete to authenticated using (app.has_org_role(org_id, array['owner']));
