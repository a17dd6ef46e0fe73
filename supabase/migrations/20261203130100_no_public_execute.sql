-- Fix forward: the answers-in-order functions were created callable by PUBLIC. A schema's default
-- privileges cannot take away PostgreSQL's global default (EXECUTE to PUBLIC), so every new
-- function needs its own revoke. now_ms() stays callable by the request roles (a column default
-- runs as whoever inserts); keep_newer_answer() is a trigger and needs no grant to fire.
revoke execute on function app.now_ms() from public;
revoke execute on function app.keep_newer_answer() from public;
