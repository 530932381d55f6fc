#!/usr/bin/env bash
# resetctl under each framework against what the framework's own tools do,
# in one run, as ratios.
#
#   bench/frameworks.sh [USERS] [RUNS] [BULK_USERS]
#                         (defaults: 1000000 users, 5 runs, 400 bulk users)
#
# RESETCTL_BENCH_BIN=path uses that binary instead of building a release one.
#
# Makes, once, a Devise, a Laravel and a Django database of USERS users
# under bench/work/ (the tables as each framework's own migrations make
# them; the Django one again with django-allauth's addresses), then times:
#
#   devise-issue-one   issue one user            sqlite3 UPDATE of that row
#   devise-issue-one-kdf issue one user          openssl kdf of Devise's key, then that UPDATE
#   devise-issue-all   issue --all               one sqlite3 UPDATE of every row
#   laravel-redeem     redeem a link ($2y$, 12)  php password_hash at cost 12
#   laravel-reset      the same                  php doing Laravel's reset work:
#                                                password_verify of the token
#                                                row, then password_hash
#   django-issue-one   issue one user            sqlite3 SELECT of the row
#   django-issue-audited  the same               the SELECT, and the INSERT of an
#                                                audit row, in one transaction
#   django-redeem      redeem a link (PBKDF2,    python3 hashlib.pbkdf2_hmac,
#                      1,000,000 iterations)     1,000,000 iterations
#   allauth-issue-one  issue one user (the row   the same as django-issue-one
#                      and its addresses)
#   allauth-issue-audited  the same              the same as django-issue-audited
#   allauth-redeem     redeem an allauth link    the same as django-redeem
#   better-auth-issue-one  issue one user        sqlite3 INSERT of the
#                                                verification row
#   better-auth-issue-all  issue --all           one sqlite3 INSERT ... SELECT of
#                                                a row for every user
#   better-auth-redeem redeem a token            node crypto.scrypt with Better
#                      (scrypt, N 16384, r 16)   Auth's parameters
#                                                (bench/better_auth_scrypt.mjs)
#
# and the Laravel bulk throughput: issue --all on BULK_USERS users (each
# token a bcrypt hash at cost 10), on every core and on one (taskset), and
#
#   laravel-issue-all  issue --all on BULK_USERS  php doing Laravel's create
#                                                for every user, one transaction
#                                                (bench/laravel_bulk.php)
# Needs hyperfine, sqlite3, php-cli, python3 and node.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
users=${1:-1000000}
runs=${2:-5}
bulk=${3:-400}
bench_start sqlite3 openssl php taskset node
quick=$(quick_runs "$runs")
export RESETCTL_NOW=2026-11-21T10:00:00Z
mid=$((users / 2))

# make DB SQL: the database, once, from SQL that fills $users rows.
make() {
  local db=$1 sql=$2
  [ -f "$db" ] && return 0
  echo "making $db ..." >&2
  rm -f "$db.tmp"
  sqlite3 "$db.tmp" "$sql"
  mv "$db.tmp" "$db"
}
rows="WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $users)"

# --- Devise: Devise's own migration; passwords as Devise writes them.
devise_db=$work/devise-$users.db
make "$devise_db" "
  CREATE TABLE users (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, email varchar DEFAULT '' NOT NULL,
    encrypted_password varchar DEFAULT '' NOT NULL, reset_password_token varchar, reset_password_sent_at datetime,
    remember_created_at datetime, created_at datetime(6) NOT NULL, updated_at datetime(6) NOT NULL);
  CREATE UNIQUE INDEX index_users_on_email ON users (email);
  CREATE UNIQUE INDEX index_users_on_reset_password_token ON users (reset_password_token);
  $rows INSERT INTO users (id, email, encrypted_password, created_at, updated_at)
  SELECT i, 'user' || i || '@example.com', '\$2a\$12\$rSmE91rP.Q6fBvZTvEGirucleQVCg4.CTWY3nTFjL4ZKettCy2kKa',
    '2026-01-01 00:00:00.000000', '2026-01-01 00:00:00.000000' FROM n;"
devise_cfg=$work/devise.toml
printf 'framework = "devise"\n[devise]\nsecret_key_base = "bench-secret-key-base"\n[limits]\nissue = "off"\n' > "$devise_cfg"
chmod 600 "$devise_cfg"
RESETCTL_CONFIG=$devise_cfg RESETCTL_DB=$devise_db "$bin" -q init
run_db=$work/frameworks-run.db
cp "$devise_db" "$run_db"
RESETCTL_CONFIG=$devise_cfg bench devise-issue-one "$quick" \
  "sqlite3 $run_db \"UPDATE users SET reset_password_token = lower(hex(randomblob(32))), reset_password_sent_at = '2026-11-21 10:00:00.000000' WHERE email = 'user$mid@example.com'\"" \
  "$bin --db $run_db --json issue user$mid@example.com"
# What the one issue costs beside the key it must derive first
# (bench/devise_kdf.sh: OpenSSL derives the key, then sqlite3 updates).
RESETCTL_CONFIG=$devise_cfg bench devise-issue-one-kdf "$quick" \
  "sh bench/devise_kdf.sh bench-secret-key-base $run_db user$mid@example.com" \
  "$bin --db $run_db --json issue user$mid@example.com"
RESETCTL_CONFIG=$devise_cfg bench devise-issue-all "$runs" \
  "sqlite3 $run_db \"UPDATE users SET reset_password_token = lower(hex(randomblob(32))), reset_password_sent_at = '2026-11-21 10:00:00.000000'\"" \
  "$bin --db $run_db --json issue --all" \
  "sh -c 'cp $devise_db $run_db && sync'"

# --- Laravel: the 11 skeleton's migrations; passwords at Laravel 11's cost 12.
laravel_db=$work/laravel-$users.db
make "$laravel_db" "
  CREATE TABLE users (id integer not null primary key autoincrement, name varchar not null, email varchar not null,
    email_verified_at datetime, password varchar not null, remember_token varchar, created_at datetime, updated_at datetime);
  CREATE UNIQUE INDEX users_email_unique on users (email);
  CREATE TABLE password_reset_tokens (email varchar not null, token varchar not null, created_at datetime, primary key (email));
  $rows INSERT INTO users (id, name, email, password)
  SELECT i, 'user' || i, 'user' || i || '@example.com', '\$2y\$12\$k7EQ6u9.R78pCNspXbOChuaiiLY1pB6Xl7.3b2EhHnjU/4KlXsAOG' FROM n;"
laravel_cfg=$work/laravel.toml
printf 'framework = "laravel"\n[limits]\nissue = "off"\n' > "$laravel_cfg"
chmod 600 "$laravel_cfg"
RESETCTL_CONFIG=$laravel_cfg RESETCTL_DB=$laravel_db "$bin" -q init
cp "$laravel_db" "$run_db"
token=$(printf 'b%.0s' $(seq 64))
# The row Laravel would hold for that token (bcrypt $2y$, cost 10), made new before each run.
printf "INSERT OR REPLACE INTO password_reset_tokens VALUES ('user%s@example.com', '%s', '2026-11-21 09:30:00');\n" \
  "$mid" '$2y$10$/GxkyLvti1u9RbsSSMfxpOAU8i4VX/M0kXaN93SR.Zp1n49jf87ma' > "$work/token_row.sql"
token_row="sh -c 'sqlite3 $run_db < $work/token_row.sql'"
link="https://example.com/reset-password/$token?email=user$mid%40example.com"
RESETCTL_CONFIG=$laravel_cfg bench laravel-redeem "$quick" \
  "sh -c 'printf %s correct-horse-battery | php bench/laravel_baseline.php'" \
  "sh -c 'printf \"%s\\n\" correct-horse-battery | $bin --db $run_db redeem $link --password-stdin'" \
  "$token_row"
RESETCTL_CONFIG=$laravel_cfg bench laravel-reset "$quick" \
  "sh -c 'printf %s correct-horse-battery | php bench/laravel_baseline.php reset'" \
  "sh -c 'printf \"%s\\n\" correct-horse-battery | $bin --db $run_db redeem $link --password-stdin'" \
  "$token_row"
# Bulk: users per second, on every core and on one.
bulk_db=$work/laravel-bulk-$bulk.db
make "$bulk_db" "
  CREATE TABLE users (id integer not null primary key autoincrement, name varchar not null, email varchar not null,
    email_verified_at datetime, password varchar not null, remember_token varchar, created_at datetime, updated_at datetime);
  CREATE UNIQUE INDEX users_email_unique on users (email);
  CREATE TABLE password_reset_tokens (email varchar not null, token varchar not null, created_at datetime, primary key (email));
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $bulk)
  INSERT INTO users (id, name, email, password) SELECT i, 'user' || i, 'user' || i || '@example.com', 'x' FROM n;"
RESETCTL_CONFIG=$laravel_cfg RESETCTL_DB=$bulk_db "$bin" -q init
throughput() {
  cp "$bulk_db" "$run_db"
  sync
  local start end
  start=$(date +%s.%N)
  RESETCTL_CONFIG=$laravel_cfg "$@" "$bin" --db "$run_db" -q issue --all >/dev/null
  end=$(date +%s.%N)
  python3 -c "print(f'{$bulk / ($end - $start):.1f}')"
}
every_core=$(throughput)
one_core=$(throughput taskset -c 0)
# The same run against Laravel's own work for each user, in PHP
# (bench/laravel_bulk.php).
RESETCTL_CONFIG=$laravel_cfg bench laravel-issue-all "$runs" \
  "php bench/laravel_bulk.php $run_db" \
  "$bin --db $run_db -q issue --all" \
  "sh -c 'cp $bulk_db $run_db && sync'"

# --- Django: django.contrib.auth's migration; passwords as Django 5.x writes them.
django_db=$work/django-$users.db
django_hash='pbkdf2_sha256$1000000$benchsaltbenchsalt0123$8yTRKQvmZfozk9LfHADuOT2Q85bMNfBS6FQpPhEGuFk='
make "$django_db" "
  CREATE TABLE auth_user (id integer NOT NULL PRIMARY KEY AUTOINCREMENT, password varchar(128) NOT NULL,
    last_login datetime NULL, is_superuser bool NOT NULL, username varchar(150) NOT NULL UNIQUE,
    last_name varchar(150) NOT NULL, email varchar(254) NOT NULL, is_staff bool NOT NULL, is_active bool NOT NULL,
    date_joined datetime NOT NULL, first_name varchar(150) NOT NULL);
  $rows INSERT INTO auth_user (id, password, last_login, is_superuser, username, last_name, email, is_staff, is_active, date_joined, first_name)
  SELECT i, '$django_hash', '2026-11-01 08:00:00.123456', 0, 'user' || i, '', 'user' || i || '@example.com', 0, 1,
    '2026-01-01 00:00:00', '' FROM n;"
django_cfg=$work/django.toml
printf 'framework = "django"\n[django]\nsecret_key = "bench-django-secret"\n[limits]\nissue = "off"\n' > "$django_cfg"
chmod 600 "$django_cfg"
RESETCTL_CONFIG=$django_cfg RESETCTL_DB=$django_db "$bin" -q init
cp "$django_db" "$run_db"
RESETCTL_CONFIG=$django_cfg bench django-issue-one "$quick" \
  "sqlite3 $run_db \"SELECT id, password, last_login, email FROM auth_user WHERE username = 'user$mid'\"" \
  "$bin --db $run_db --json issue user$mid"
# The same with what issue must also do: keep its audit row, durably.
RESETCTL_CONFIG=$django_cfg bench django-issue-audited "$quick" \
  "sqlite3 $run_db \"BEGIN; SELECT id, password, last_login, email FROM auth_user WHERE username = 'user$mid'; INSERT INTO resetctl_audit (at, actor, action, outcome, user_id, subject, expires, password_check) VALUES ('2026-11-21T10:00:00Z', 'bench', 'issue', 'ok', $mid, 'user$mid', '2026-11-24T10:00:00Z', 'x'); COMMIT;\"" \
  "$bin --db $run_db --json issue user$mid"
django_link=$(RESETCTL_CONFIG=$django_cfg "$bin" --db "$run_db" -q issue "user$mid")
# Each run puts the password back, so the same link works again.
RESETCTL_CONFIG=$django_cfg bench django-redeem "$quick" \
  "sh -c 'printf %s correct-horse-battery | python3 -c \"import hashlib, os, sys; hashlib.pbkdf2_hmac(\\\"sha256\\\", sys.stdin.buffer.read(), os.urandom(16), 1000000)\"'" \
  "sh -c 'printf \"%s\\n\" correct-horse-battery | $bin --db $run_db redeem $django_link --password-stdin'" \
  "sqlite3 $run_db \"UPDATE auth_user SET password = '$django_hash' WHERE id = $mid\""

# --- allauth: the Django database with django-allauth's table as its
# migrations leave it, one primary address a user.
allauth_db=$work/allauth-$users.db
if [ ! -f "$allauth_db" ]; then
  echo "making $allauth_db ..." >&2
  cp "$django_db" "$allauth_db.tmp"
  sqlite3 "$allauth_db.tmp" "
    CREATE TABLE account_emailaddress (id integer NOT NULL PRIMARY KEY AUTOINCREMENT, verified bool NOT NULL,
      \"primary\" bool NOT NULL, user_id integer NOT NULL REFERENCES auth_user (id) DEFERRABLE INITIALLY DEFERRED,
      email varchar(254) NOT NULL);
    CREATE UNIQUE INDEX account_emailaddress_user_id_email_987c8728_uniq ON account_emailaddress (user_id, email);
    CREATE UNIQUE INDEX unique_verified_email ON account_emailaddress (email) WHERE verified = 1;
    CREATE INDEX account_emailaddress_user_id_2c513194 ON account_emailaddress (user_id);
    CREATE INDEX account_emailaddress_email_03be32b2 ON account_emailaddress (email);
    CREATE UNIQUE INDEX unique_primary_email ON account_emailaddress (user_id, \"primary\") WHERE \"primary\" = 1;
    INSERT INTO account_emailaddress (verified, \"primary\", user_id, email) SELECT 1, 1, id, email FROM auth_user;"
  mv "$allauth_db.tmp" "$allauth_db"
fi
allauth_cfg=$work/allauth.toml
printf 'framework = "allauth"\n[django]\nsecret_key = "bench-django-secret"\n[limits]\nissue = "off"\n' > "$allauth_cfg"
chmod 600 "$allauth_cfg"
RESETCTL_CONFIG=$allauth_cfg RESETCTL_DB=$allauth_db "$bin" -q init
cp "$allauth_db" "$run_db"
RESETCTL_CONFIG=$allauth_cfg bench allauth-issue-one "$quick" \
  "sqlite3 $run_db \"SELECT id, password, last_login, email FROM auth_user WHERE username = 'user$mid'\"" \
  "$bin --db $run_db --json issue user$mid"
RESETCTL_CONFIG=$allauth_cfg bench allauth-issue-audited "$quick" \
  "sqlite3 $run_db \"BEGIN; SELECT id, password, last_login, email FROM auth_user WHERE username = 'user$mid'; INSERT INTO resetctl_audit (at, actor, action, outcome, user_id, subject, expires, password_check) VALUES ('2026-11-21T10:00:00Z', 'bench', 'issue', 'ok', $mid, 'user$mid', '2026-11-24T10:00:00Z', 'x'); COMMIT;\"" \
  "$bin --db $run_db --json issue user$mid"
allauth_link=$(RESETCTL_CONFIG=$allauth_cfg "$bin" --db "$run_db" -q issue "user$mid")
RESETCTL_CONFIG=$allauth_cfg bench allauth-redeem "$quick" \
  "sh -c 'printf %s correct-horse-battery | python3 -c \"import hashlib, os, sys; hashlib.pbkdf2_hmac(\\\"sha256\\\", sys.stdin.buffer.read(), os.urandom(16), 1000000)\"'" \
  "sh -c 'printf \"%s\\n\" correct-horse-battery | $bin --db $run_db redeem $allauth_link --password-stdin'" \
  "sqlite3 $run_db \"UPDATE auth_user SET password = '$django_hash' WHERE id = $mid\""

# --- Better Auth: its own migration's tables (SQLite DDL as its kysely
# adapter makes them), dates as its toISOString() text, one credential
# account a user with a Better Auth scrypt hash.
ba_db=$work/better-auth-$users.db
ba_hash=$(printf %s old-password | node bench/better_auth_scrypt.mjs --print)
make "$ba_db" "
  CREATE TABLE \"user\" (\"id\" text not null primary key, \"name\" text not null, \"email\" text not null unique,
    \"emailVerified\" integer not null, \"image\" text, \"createdAt\" date not null, \"updatedAt\" date not null);
  CREATE TABLE \"session\" (\"id\" text not null primary key, \"expiresAt\" date not null, \"token\" text not null unique,
    \"createdAt\" date not null, \"updatedAt\" date not null, \"ipAddress\" text, \"userAgent\" text,
    \"userId\" text not null references \"user\" (\"id\") on delete cascade);
  CREATE TABLE \"account\" (\"id\" text not null primary key, \"accountId\" text not null, \"providerId\" text not null,
    \"userId\" text not null references \"user\" (\"id\") on delete cascade, \"accessToken\" text, \"refreshToken\" text,
    \"idToken\" text, \"accessTokenExpiresAt\" date, \"refreshTokenExpiresAt\" date, \"scope\" text, \"password\" text,
    \"createdAt\" date not null, \"updatedAt\" date not null);
  CREATE TABLE \"verification\" (\"id\" text not null primary key, \"identifier\" text not null, \"value\" text not null,
    \"expiresAt\" date not null, \"createdAt\" date not null, \"updatedAt\" date not null);
  CREATE INDEX \"session_userId_idx\" on \"session\" (\"userId\");
  CREATE INDEX \"account_userId_idx\" on \"account\" (\"userId\");
  CREATE INDEX \"verification_identifier_idx\" on \"verification\" (\"identifier\");
  $rows INSERT INTO \"user\" SELECT 'u' || printf('%031d', i), 'user' || i, 'user' || i || '@example.com', 1, NULL,
    '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z' FROM n;
  INSERT INTO account (id, accountId, providerId, userId, password, createdAt, updatedAt)
    SELECT 'a' || substr(id, 2), id, 'credential', id, '$ba_hash', createdAt, updatedAt FROM \"user\";"
ba_cfg=$work/better-auth.toml
printf 'framework = "better-auth"\n[limits]\nissue = "off"\n' > "$ba_cfg"
RESETCTL_CONFIG=$ba_cfg RESETCTL_DB=$ba_db "$bin" -q init
cp "$ba_db" "$run_db"
ba_mid=$(printf 'u%031d' "$mid")
RESETCTL_CONFIG=$ba_cfg bench better-auth-issue-one "$quick" \
  "sqlite3 $run_db \"INSERT INTO verification VALUES (lower(hex(randomblob(16))), 'reset-password:' || lower(hex(randomblob(12))), '$ba_mid', '2026-11-21T11:00:00.000Z', '2026-11-21T10:00:00.000Z', '2026-11-21T10:00:00.000Z')\"" \
  "$bin --db $run_db --json issue user$mid@example.com"
RESETCTL_CONFIG=$ba_cfg bench better-auth-issue-all "$runs" \
  "sqlite3 $run_db \"INSERT INTO verification SELECT lower(hex(randomblob(16))), 'reset-password:' || lower(hex(randomblob(12))), id, '2026-11-21T11:00:00.000Z', '2026-11-21T10:00:00.000Z', '2026-11-21T10:00:00.000Z' FROM \\\"user\\\"\"" \
  "$bin --db $run_db --json issue --all" \
  "sh -c 'cp $ba_db $run_db && sync'"
cp "$ba_db" "$run_db"
ba_link=$(RESETCTL_CONFIG=$ba_cfg "$bin" --db "$run_db" -q issue "user$mid@example.com")
ba_token=${ba_link##*/reset-password/}
ba_token=${ba_token%%\?*}
# Each run puts the token's row back, so the same token works again.
RESETCTL_CONFIG=$ba_cfg bench better-auth-redeem "$quick" \
  "sh -c 'printf %s correct-horse-battery | node bench/better_auth_scrypt.mjs'" \
  "sh -c 'printf \"%s\\n\" correct-horse-battery | $bin --db $run_db redeem $ba_token --password-stdin'" \
  "sqlite3 $run_db \"DELETE FROM verification; INSERT INTO verification VALUES ('v$ba_mid', 'reset-password:$ba_token', '$ba_mid', '2026-11-21T11:00:00.000Z', '2026-11-21T10:00:00.000Z', '2026-11-21T10:00:00.000Z')\""

echo "$(machine) Users: $(printf "%'d" "$users"). Runs: $runs for devise-issue-all, $quick for the others (median)."
echo
table devise-issue-one=1.5 devise-issue-one-kdf=1.0 devise-issue-all=1.5 laravel-redeem=1.0 laravel-reset=1.0 laravel-issue-all=1.5 django-issue-one=1.5 django-issue-audited=1.5 django-redeem=1.0 allauth-issue-one=1.5 allauth-issue-audited=1.5 allauth-redeem=1.0 better-auth-issue-one=1.5 better-auth-issue-all=2.0 better-auth-redeem=1.0
echo
echo "Laravel bulk issue, $bulk users (a bcrypt hash at cost 10 each): $every_core users/s on every core, $one_core users/s on one."
