#!/bin/sh
# Installs what app.php needs on Debian bookworm (run as root), then proves
# the harness works: it creates a user, issues a token, checks it, resets the
# password and logs in, on both reset-table layouts, and checks expiry.
# Safe to run again: installed packages are not reinstalled.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
app="$here/app.php"

# php-laravel-framework brings the Illuminate components, Carbon and the
# autoloader app.php loads; php-sqlite3 is the PDO driver for the database file,
# php-pgsql the one for a postgres:// URL, php-mysql (pdo_mysql) the one for a
# mysql:// URL.
packages="php-cli php-sqlite3 php-pgsql php-mysql php-mbstring php-laravel-framework"

missing=""
for p in $packages; do
    if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
        missing="$missing $p"
    fi
done

if [ -n "$missing" ]; then
    echo "installing:$missing"
    if [ "$(id -u)" != 0 ]; then
        echo "install.sh: must run as root to install:$missing" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    # A fresh machine has no package lists yet.
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y --no-install-recommends $missing
else
    echo "packages already installed: $packages"
fi

fail() {
    echo "install.sh: SELF-CHECK FAILED: $*" >&2
    exit 1
}

# Runs the harness and fails unless it exits with the expected status.
expect() {
    want=$1
    shift
    set +e
    out=$(php "$app" "$@" 2>&1)
    got=$?
    set -e
    [ "$got" = "$want" ] || fail "'$*' exited $got, expected $want: $out"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for table in password_reset_tokens password_resets; do
    export RESET_TABLE="$table"
    db="$tmp/$table.sqlite"
    email="self-check@example.com"

    expect 0 create "$db" "$email" old-password
    expect 0 check "$db" "$email" old-password
    expect 1 check "$db" "$email" wrong-password

    token=$(AT=2024-06-01T12:00:00Z php "$app" issue "$db" "$email") || fail "issue failed: $token"
    echo "$token" | grep -Eq '^[0-9a-f]{64}$' || fail "issue printed '$token', not a 64-hex token"

    export AT=2024-06-01T13:00:00Z
    expect 0 token-exists "$db" "$email" "$token"
    export AT=2024-06-01T13:00:01Z
    expect 1 token-exists "$db" "$email" "$token"
    export AT=2024-06-01T12:30:00Z
    expect 1 token-exists "$db" "$email" "0$token"
    expect 1 token-exists "$db" "SELF-CHECK@example.com" "$token"
    expect 0 reset "$db" "$email" "$token" new-password
    expect 1 reset "$db" "$email" "$token" another-password
    unset AT
    expect 0 check "$db" "$email" new-password
    expect 1 check "$db" "$email" old-password
    echo "self-check passed: $table"
done
