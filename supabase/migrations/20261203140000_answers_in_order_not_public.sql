-- The functions of answers_in_order are for the app's roles only: functions are executable by
-- PUBLIC unless revoked, and the grants there were meant to be the only ones.
revoke execute on function app.now_ms() from public;
revoke execute on function app.keep_newer_answer() from public;
