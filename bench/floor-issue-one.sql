-- The floor of `issue USER` (bench/run.sh, issue-one-floor): the
-- statements resetctl runs for it, by hand in one sqlite3 process. The
-- catalogue that recognises the app (framework = "auto"), the id column's
-- check, then in one transaction the user, the token's hash and expiry,
-- and the audit row. sha3 stands in for resetctl's password fingerprint.
-- bench/run.sh puts the user in for @EMAIL@ and @ID@.
SELECT count(*) FROM sqlite_schema;
SELECT m.name, p.name FROM sqlite_schema m JOIN pragma_table_info(m.name) p
  WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\';
SELECT name, upper(type), pk FROM pragma_table_info('users');
BEGIN IMMEDIATE;
SELECT "users"."id", "users"."username", "users"."email", sha3("users"."id" || "users"."password_hash")
  FROM "users" WHERE "email" = '@EMAIL@' COLLATE NOCASE;
UPDATE "users" SET "password_reset_token" = lower(hex(randomblob(32))),
  "password_reset_expires" = '2026-11-21T11:00:00Z' WHERE "id" = @ID@;
INSERT INTO resetctl_audit (at, actor, action, outcome, user_id, subject, detail, reason, expires, password_check, real_at, run)
  VALUES ('2026-11-21T10:00:00Z', 'bench', 'issue', 'ok', @ID@, 'user@ID@ <@EMAIL@>',
    'expires 2026-11-21T11:00:00Z (ttl 1h)', NULL, '2026-11-21T11:00:00Z', lower(hex(randomblob(16))),
    '2026-11-21T10:00:00Z', NULL);
COMMIT;
