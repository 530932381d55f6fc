-- The floor of issue --all (bench/run.sh, issue-all-floor): what resetctl
-- writes for every user, done by hand in one sqlite3 transaction: a
-- random token hash and expiry on each row, and one audit row each with
-- the same columns filled.
BEGIN;
UPDATE users SET password_reset_token = lower(hex(randomblob(32))),
  password_reset_expires = '2026-11-21T11:00:00Z';
INSERT INTO resetctl_audit (at, actor, action, outcome, user_id, subject, detail, expires, password_check, run)
  SELECT '2026-11-21T10:00:00Z', 'bench', 'issue', 'ok', id, username || ' <' || email || '>',
    'expires 2026-11-21T11:00:00Z (ttl 1h)', '2026-11-21T11:00:00Z', lower(hex(randomblob(16))), 'benchrun0000'
  FROM users;
COMMIT;
