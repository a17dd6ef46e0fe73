-- Accounts that resist attack: sign-in throttles that slow a guesser without locking the owner out,
-- sessions that end after a spell of idleness, and password reset links an owner hands a member.

-- Sign-in throttles replace the log of failed attempts. One row per key ("account+address",
-- "address" or "account"); the sign-in service locks the rows of an attempt's keys and counts the
-- attempt *before* the password is checked, so parallel guesses queue behind each other and only
-- as many are checked as the limits let through. Secret like credentials: RLS on, no policies.
drop table cx.sign_in_attempts;

create table cx.sign_in_throttles (
  key text primary key check (char_length(key) <= 600),
  -- attempts let through (and not given back by a success) since the key was last quiet
  attempts integer not null default 0 check (attempts >= 0),
  -- the earliest moment the next attempt on this key is let through
  next_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index sign_in_throttles_updated_at_idx on cx.sign_in_throttles (updated_at);
alter table cx.sign_in_throttles enable row level security;

-- A session also ends after a spell of idleness; the server touches last_seen_at at most every few
-- minutes, so a busy member does not cost a write per request.
alter table cx.sessions add column last_seen_at timestamptz not null default now();

-- A one-time link to set a new password, issued by an owner of the member's organisation (there is
-- no e-mail server: the owner copies the link to the member). Only the token's hash is kept; using
-- it deletes the row. Secret: RLS on, no policies; issued through app.issue_password_reset.
create table cx.password_resets (
  token_hash text primary key check (char_length(token_hash) = 64),
  user_id uuid not null references cx.users (id) on delete cascade,
  created_by uuid references cx.users (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '24 hours'
);
create index password_resets_user_id_idx on cx.password_resets (user_id);
alter table cx.password_resets enable row level security;

-- An owner issues a reset link for a member of their organisation, and only when they own every
-- organisation that member belongs to: owning one organisation must not open an account that
-- holds another's. A newer link replaces the member's older ones.
create function app.issue_password_reset(org uuid, member uuid, p_token_hash text) returns void
language plpgsql volatile security definer set search_path = ''
as $$
declare
  me uuid := (select auth.uid());
begin
  if not app.has_org_role(org, array['owner'])
     or not exists (select 1 from cx.memberships m where m.org_id = org and m.user_id = member) then
    raise exception 'Only owners reset the passwords of their members' using errcode = 'insufficient_privilege';
  end if;
  if exists (
    select 1 from cx.memberships m
    where m.user_id = member and not app.has_org_role(m.org_id, array['owner'])
  ) then
    raise exception 'This member also belongs to an organisation you do not own' using errcode = 'insufficient_privilege';
  end if;
  delete from cx.password_resets where user_id = member;
  insert into cx.password_resets (token_hash, user_id, created_by) values (p_token_hash, member, me);
end
$$;
revoke execute on function app.issue_password_reset(uuid, uuid, text) from public;
grant execute on function app.issue_password_reset(uuid, uuid, text) to authenticated;
