-- Updates reach only the columns a role decides. A whole-row UPDATE grant let an owner point a
-- membership at any user (adding them without an invite) and let a facilitator rewrite what a
-- participant wrote; the policies said who, these grants say what.
revoke update on public.memberships from authenticated;
grant update (role) on public.memberships to authenticated;

-- Moderation hides; it never edits someone's words or moves them to another workshop.
revoke update on public.obstacles from authenticated;
grant update (hidden) on public.obstacles to authenticated;
revoke update on public.phrases from authenticated;
grant update (hidden) on public.phrases to authenticated;
revoke update on public.rallying_cries from authenticated;
grant update (hidden) on public.rallying_cries to authenticated;

-- An amendment is decided, not rewritten.
revoke update on public.vision_amendments from authenticated;
grant update (status, decided_at) on public.vision_amendments to authenticated;

-- An action is edited where it stands.
revoke update on public.action_items from authenticated;
grant update (title, owner_name, due_on) on public.action_items to authenticated;
