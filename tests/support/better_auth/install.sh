#!/usr/bin/env bash
# Installs Better Auth (exactly the versions in package-lock.json) with the
# SQLite (better-sqlite3), PostgreSQL (pg) and MariaDB/MySQL (mysql2)
# drivers into $RESETCTL_TEST_ENV/better_auth (default target/test-env),
# then proves harness.mjs works end to end on SQLite. Safe to run again: the
# modules are reinstalled only when the lockfile changed.
#
# usage: bash tests/support/better_auth/install.sh
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
env_dir="${RESETCTL_TEST_ENV:-$repo/target/test-env}"
dir="$env_dir/better_auth"
harness="$here/harness.mjs"

# better-sqlite3 is compiled here: no prebuilt binary can be downloaded, and
# node-gyp cannot fetch Node's headers either, so it builds against the ones
# Debian's nodejs package puts under /usr/include/node (--nodedir=/usr).
missing=()
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v make >/dev/null || missing+=(make)
command -v g++ >/dev/null || missing+=(g++)
command -v python3 >/dev/null || missing+=(python3)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "better_auth: missing (run as root to install): ${missing[*]}" >&2
    exit 1
  fi
  echo "better_auth: installing ${missing[*]}"
  apt_opts=(-o DPkg::Lock::Timeout=600 -q)
  apt-get "${apt_opts[@]}" update >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}" >/dev/null
fi
[ -f /usr/include/node/node.h ] || {
  echo "better_auth: Node's headers are not under /usr/include/node; better-sqlite3 cannot be built" >&2
  exit 1
}

if ! cmp -s "$here/package-lock.json" "$dir/package-lock.json" ||
  [ ! -f "$dir/node_modules/better-sqlite3/build/Release/better_sqlite3.node" ]; then
  echo "better_auth: installing Better Auth into $dir"
  rm -rf "$dir"
  mkdir -p "$dir"
  cp "$here/package.json" "$here/package-lock.json" "$dir/"
  (cd "$dir" && npm ci --no-audit --no-fund --nodedir=/usr --loglevel=error)
  [ -f "$dir/node_modules/better-sqlite3/build/Release/better_sqlite3.node" ] ||
    (cd "$dir" && npm rebuild better-sqlite3 --nodedir=/usr --loglevel=error)
fi

# Self-check: the whole reset flow through Better Auth's own API, the
# stored identifier recomputed independently, and expiry on the test clock.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
db="$work/app.db"
export BETTER_AUTH_MODULES="$dir/node_modules"
export BETTER_AUTH_URL="https://example.com" AT="2024-06-01T12:00:00Z"
unset BETTER_AUTH_SECRET RESET_PASSWORD_TOKEN_EXPIRES_IN STORE_IDENTIFIER REVOKE_SESSIONS_ON_PASSWORD_RESET

fail() {
  echo "better_auth self-check FAILED: $*" >&2
  exit 1
}

# expect STATUS COMMAND ARGS...: runs the harness, prints its line, checks
# its exit; the line is left in $out.
expect() {
  local want="$1" got=0
  shift
  out="$(node "$harness" "$@" 2>"$work/stderr")" || got=$?
  echo "  $1: $out (exit $got)"
  [ "$got" -eq "$want" ] || fail "'$1' exited $got, expected $want: $(cat "$work/stderr")"
}

# field NAME: that field of the JSON line in $out.
field() {
  node -e 'process.stdout.write(String(JSON.parse(process.argv[1])[process.argv[2]]))' "$out" "$1"
}

started=$(date +%s%N)
expect 0 migrate "$db"
expect 0 sign-up "$db" alice@example.com "old password 1" Alice
expect 0 request-reset "$db" alice@example.com /reset-password
token="$(field token)"
url="$(field url)"
[[ "$token" =~ ^[A-Za-z0-9]{24}$ ]] || fail "token '$token' is not 24 letters and digits"
[ "$url" = "https://example.com/api/auth/reset-password/$token?callbackURL=%2Freset-password" ] ||
  fail "unexpected link $url"
expect 0 verifications "$db"
case "$out" in
  *"\"identifier\":\"reset-password:$token\""*"\"expiresAt\":\"2024-06-01T13:00:00.000Z\""*) ;;
  *) fail "the verification row is not reset-password:<token> expiring in an hour: $out" ;;
esac
expect 1 request-reset "$db" nobody@example.com

export AT="2024-06-01T12:30:00Z"
expect 1 reset "$db" "${token}x" "new password 2"
expect 0 reset "$db" "$token" "new password 2"
expect 1 reset "$db" "$token" "new password 3"
expect 0 sign-in "$db" alice@example.com "new password 2"
expect 1 sign-in "$db" alice@example.com "old password 1"

# The hashed identifier: base64url (no padding) of SHA-256 of the plain one.
export STORE_IDENTIFIER=hashed
expect 0 request-reset "$db" alice@example.com
token="$(field token)"
digest="$(node -e 'process.stdout.write(require("crypto").createHash("sha256").update(process.argv[1]).digest("base64url"))' "reset-password:$token")"
expect 0 verifications "$db"
case "$out" in
  *"\"identifier\":\"$digest\""*) ;;
  *) fail "no row with the hashed identifier $digest: $out" ;;
esac
export AT="2024-06-01T13:30:00.001Z"
expect 1 reset "$db" "$token" "new password 4"
expect 0 sign-in "$db" alice@example.com "new password 2"
cookie="$(field cookie)"
expect 0 session-valid "$db" "$cookie"

# A reset with revokeSessionsOnPasswordReset ends the session signed in above.
export REVOKE_SESSIONS_ON_PASSWORD_RESET=true
expect 0 request-reset "$db" alice@example.com
expect 0 reset "$db" "$(field token)" "new password 5"
expect 1 session-valid "$db" "$cookie"
expect 1 sessions "$db" alice@example.com

expect 0 hash "a password"
hash="$(field hash)"
expect 0 verify "$hash" "a password"
expect 1 verify "$hash" "another password"

echo "better_auth: harness works ($((($(date +%s%N) - started) / 1000000)) ms for the self-check)"
