-- The floor of `inspect USER` (bench/run.sh, inspect-one-floor): the
-- statements resetctl runs for it, by hand in one sqlite3 process. The
-- catalogue that recognises the app (framework = "auto"), the id column's
-- check, the user, the token's state (and whether the password changed
-- since the issue), a lock that still holds, and the newest issue and
-- redeem. sha3 stands in for resetctl's password fingerprint, unixepoch
-- for its reading of expiries. bench/run.sh puts the user in for @EMAIL@
-- and @ID@.
SELECT count(*) FROM sqlite_schema;
SELECT m.name, p.name FROM sqlite_schema m JOIN pragma_table_info(m.name) p
  WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\';
SELECT name, upper(type), pk FROM pragma_table_info('users');
SELECT "users"."id", "users"."username", "users"."email", sha3("users"."id" || "users"."password_hash")
  FROM "users" WHERE "email" = '@EMAIL@' COLLATE NOCASE;
SELECT ("users"."password_reset_token" IS NOT NULL AND "users"."password_reset_token" <> ''),
  "users"."password_reset_expires",
  ("users"."password_reset_token" IS NOT NULL AND "users"."password_reset_token" <> '' AND coalesce(
    (SELECT unixepoch(resetctl_audit.expires) = unixepoch("users"."password_reset_expires")
       AND resetctl_audit.password_check <> sha3("users"."id" || "users"."password_hash")
     FROM resetctl_audit WHERE resetctl_audit.user_id = "users"."id" AND resetctl_audit.action = 'issue'
       AND resetctl_audit.outcome = 'ok' ORDER BY resetctl_audit.id DESC LIMIT 1), 0))
  FROM "users" WHERE "users"."id" = @ID@;
SELECT id, at, actor, action, outcome, user_id, subject, detail, reason, real_at, run, password_check
  FROM resetctl_audit WHERE user_id = @ID@ AND action = 'issue' AND outcome = 'ok'
  AND detail LIKE '%; account locked%' ORDER BY id DESC LIMIT 1;
SELECT id, at, actor, action, outcome, user_id, subject, detail, reason, real_at, run
  FROM resetctl_audit WHERE user_id = @ID@ AND action = 'issue' AND outcome = 'ok' ORDER BY id DESC LIMIT 1;
SELECT id, at, actor, action, outcome, user_id, subject, detail, reason, real_at, run
  FROM resetctl_audit WHERE user_id = @ID@ AND action = 'redeem' AND outcome = 'ok' ORDER BY id DESC LIMIT 1;
