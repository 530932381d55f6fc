#!/usr/bin/env bash
# Installs what app.rb needs from Debian (bookworm) packages, then proves the
# harness works end to end. Safe to run again: installed packages are skipped.
# Run as root on a fresh machine; as another user it only checks.
#
# usage: bash tests/support/devise_app/install.sh
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
app="$here/app.rb"

# ruby-devise alone would bring most of these (warden, responders, orm-adapter,
# bcrypt, railties, actionpack, rack-test); each is named because the harness
# relies on it directly. Active Record and the SQLite, PostgreSQL and MariaDB
# (mysql2) drivers are not Devise dependencies at all. bootsnap (with msgpack) only makes each run faster.
packages=(
  ruby
  ruby-devise
  ruby-railties
  ruby-actionpack
  ruby-activerecord
  ruby-sqlite3
  ruby-pg
  ruby-mysql2
  ruby-bcrypt
  ruby-rack-test
  ruby-bootsnap
  ruby-msgpack
)

missing=()
for pkg in "${packages[@]}"; do
  if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "devise_app: missing Debian packages (run as root to install): ${missing[*]}" >&2
    exit 1
  fi
  echo "devise_app: installing ${missing[*]}"
  # Another apt run on the machine holds the lock for a while; wait for it
  # rather than fail.
  apt_opts=(-o DPkg::Lock::Timeout=600 -q)
  apt-get "${apt_opts[@]}" update >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}" >/dev/null
fi

# Self-check: every command once, the stored digest recomputed independently,
# and expiry as Devise sees it.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
db="$work/users.db"
export SECRET_KEY_BASE="devise-app-self-check-secret"
unset DEVISE_SECRET_KEY DEVISE_PEPPER RESET_PASSWORD_WITHIN DEVISE_STRETCHES AT

fail() {
  echo "devise_app self-check FAILED: $*" >&2
  exit 1
}

# expect STATUS COMMAND...: runs the harness, prints its line, checks its exit.
expect() {
  local want="$1" got=0
  shift
  out="$(ruby "$app" "$@")" || got=$?
  echo "  $1: $out (exit $got)"
  [ "$got" -eq "$want" ] || fail "'$1' exited $got, expected $want"
}

started=$(date +%s%N)
expect 0 create "$db" alice@example.com first-password
token="$(ruby "$app" issue "$db" alice@example.com)" || fail "issue exited $?"
[ -n "$token" ] || fail "issue printed no token"

stored="$(ruby "$app" row "$db" alice@example.com)" || fail "row exited $?"
recomputed="$(ruby -ropenssl -e '
  key = OpenSSL::PKCS5.pbkdf2_hmac(ARGV[0], "Devise reset_password_token", 65_536, 64, OpenSSL::Digest.new("SHA1"))
  print OpenSSL::HMAC.hexdigest("SHA256", key, ARGV[1])' "$SECRET_KEY_BASE" "$token")"
case "$stored" in
  *"\"reset_password_token\":\"$recomputed\""*) echo "  digest: HMAC-SHA256(PBKDF2-SHA1(secret), token) matches the stored column" ;;
  *) fail "stored row $stored does not hold the recomputed digest $recomputed" ;;
esac

expect 1 reset "$db" not-the-token second-password
expect 0 reset "$db" "$token" second-password
expect 1 reset "$db" "$token" third-password
expect 0 sign-in "$db" alice@example.com second-password
expect 1 sign-in "$db" alice@example.com first-password

token="$(ruby "$app" issue "$db" alice@example.com)" || fail "issue exited $?"
later="$(date -u -d '+7 hours' +%Y-%m-%dT%H:%M:%SZ)"
rc=0
out="$(AT="$later" ruby "$app" reset "$db" "$token" third-password)" || rc=$?
echo "  reset 7 hours later: $out (exit $rc)"
[ "$rc" -eq 1 ] || fail "reset of an expired token exited $rc, expected 1"
case "$out" in
  *expired*) ;;
  *) fail "expired token refused for the wrong reason: $out" ;;
esac

echo "devise_app: harness works ($((($(date +%s%N) - started) / 1000000)) ms for the self-check)"
