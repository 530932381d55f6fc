#!/usr/bin/env bash
# Makes the two stock Django environments the integration tests drive
# site.py with, then proves each one works. Safe to run again: an environment
# that already holds the pinned Django is left alone.
#
#   target/test-env/django    latest Django (6.1 needs Python >= 3.12), with
#                             the drivers of its PostgreSQL and MySQL backends
#                             and django-allauth (site.py under ALLAUTH=1)
#   target/test-env/django42  Django 4.2 LTS (supports Python 3.8 to 3.12)
#
# ($RESETCTL_TEST_ENV in place of target/test-env when set, as the tests
# read it.) Neither gets argon2-cffi: the tests rely on Django as shipped,
# where the Argon2 hasher is listed but cannot load.
#
# DJANGO_PYTHON / DJANGO42_PYTHON pick the interpreters explicitly.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
ENVS=${RESETCTL_TEST_ENV:-$ROOT/target/test-env}
SITE=$HERE/site.py

LATEST_PIN=6.1.3
LATEST_SPEC="django==$LATEST_PIN"
LTS_SPEC="django>=4.2,<4.3"

mkdir -p "$ENVS"
# Parallel test runs may call this at once; pip into one venv twice at the
# same time can leave it half-installed.
if command -v flock >/dev/null; then
    exec 9>"$ENVS/.install.lock"
    flock 9
fi

say() { printf 'install.sh: %s\n' "$*"; }
die() { say "$*" >&2; exit 1; }

# Prints the first candidate interpreter whose version is within [MIN, MAX)
# and that can make venvs. pyenv shims are tried too, but a shim for a
# version that is installed yet not selected fails, hence the direct paths.
find_python() {
    local min=$1 max=$2; shift 2
    local candidate
    for candidate in "$@"; do
        [ -n "$candidate" ] || continue
        command -v "$candidate" >/dev/null 2>&1 || [ -x "$candidate" ] || continue
        if "$candidate" - "$min" "$max" >/dev/null 2>&1 <<'PY'
import sys, venv, ensurepip
lo, hi = (tuple(map(int, v.split("."))) for v in sys.argv[1:3])
sys.exit(0 if lo <= sys.version_info[:2] < hi else 1)
PY
        then
            command -v "$candidate" 2>/dev/null || echo "$candidate"
            return 0
        fi
    done
    return 1
}

# install_debian PACKAGE...: the Debian packages not yet installed (root
# needed then).
install_debian() {
    local missing=() p
    for p in "$@"; do
        [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    [ "$(id -u)" -eq 0 ] || die "missing Debian packages (run as root to install): ${missing[*]}"
    say "installing ${missing[*]}"
    apt-get -o DPkg::Lock::Timeout=600 -q update >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -q install -y \
        --no-install-recommends "${missing[@]}" >/dev/null
}

pyenv_pythons() {
    local root=${PYENV_ROOT:-$HOME/.pyenv}
    command -v pyenv >/dev/null 2>&1 && root=$(pyenv root)
    # Newest first.
    ls -d "$root"/versions/3.*/bin/python3 2>/dev/null | sort -V -r || true
}

# make_env NAME SPEC VERSION_TEST PYTHON_MIN PYTHON_MAX CANDIDATES...
make_env() {
    local name=$1 spec=$2 version_test=$3 min=$4 max=$5; shift 5
    local venv=$ENVS/$name py=$ENVS/$name/bin/python
    local have=""
    if [ -x "$py" ]; then
        have=$("$py" -c 'import django; print(django.__version__)' 2>/dev/null || true)
        # A venv whose base interpreter is gone, or one someone gave argon2,
        # is rebuilt rather than patched.
        if ! "$py" -c 'import sys' >/dev/null 2>&1; then
            say "$name: interpreter broken, rebuilding"; rm -rf "$venv"; have=""
        elif "$py" "$SITE" has-argon2 >/dev/null 2>&1; then
            say "$name: argon2 is importable, rebuilding"; rm -rf "$venv"; have=""
        fi
    fi
    if [ -n "$have" ] && "$py" -c "import sys; v=sys.argv[1]; sys.exit(0 if ($version_test) else 1)" "$have"; then
        say "$name: Django $have already installed"
        return 0
    fi
    if [ ! -x "$py" ]; then
        local base
        base=$(find_python "$min" "$max" "$@") ||
            die "$name: no Python >= $min and < $max found (tried: $*); set the interpreter with ${name^^}_PYTHON"
        say "$name: creating venv with $base ($("$base" --version 2>&1))"
        "$base" -m venv "$venv"
    fi
    "$py" -m pip install --disable-pip-version-check --no-input -q "$spec"
    say "$name: installed Django $("$py" -c 'import django; print(django.__version__)')"
}

mapfile -t PYENV_PYTHONS < <(pyenv_pythons)

LATEST_PYTHONS=("${DJANGO_PYTHON:-}" python3.14 python3.13 python3.12 python3 "${PYENV_PYTHONS[@]}")
if find_python 3.12 4.0 "${LATEST_PYTHONS[@]}" >/dev/null; then
    make_env django "$LATEST_SPEC" "v == '$LATEST_PIN'" 3.12 4.0 "${LATEST_PYTHONS[@]}"
else
    # A machine without Python 3.12 still tests against the newest Django
    # its Python runs.
    say "django: no Python >= 3.12 here; using Django 5.2, the newest for older Pythons"
    make_env django "django>=5.2,<5.3" "v.startswith('5.2.')" 3.10 3.12 "${LATEST_PYTHONS[@]}"
fi
# Django's PostgreSQL backend, for the tests on PostgreSQL (latest only).
PSYCOPG_SPEC="psycopg[binary]>=3.2,<3.4"
if ! "$ENVS/django/bin/python" -c 'import psycopg' >/dev/null 2>&1; then
    "$ENVS/django/bin/python" -m pip install --disable-pip-version-check --no-input -q "$PSYCOPG_SPEC"
    say "django: installed psycopg $("$ENVS/django/bin/python" -c 'import psycopg; print(psycopg.__version__)')"
fi
# Django's MySQL backend, for the tests on MariaDB (latest only): mysqlclient,
# the driver Django documents and tests against. PyPI has no Linux wheel of
# it, so pip builds it against MariaDB's client library, found through
# pkg-config.
MYSQLCLIENT_SPEC="mysqlclient>=2.2.1,<2.3"
if ! "$ENVS/django/bin/python" -c 'import MySQLdb' >/dev/null 2>&1; then
    install_debian libmariadb-dev pkg-config gcc python3-dev
    "$ENVS/django/bin/python" -m pip install --disable-pip-version-check --no-input -q "$MYSQLCLIENT_SPEC"
    say "django: installed mysqlclient $("$ENVS/django/bin/python" -c 'import MySQLdb; print(".".join(map(str, MySQLdb.version_info[:3])))')"
fi
# django-allauth, for framework = "allauth" (latest Django only; 65.x
# supports Django >= 4.2.16 and Python >= 3.11). Its plain install: the
# account app needs no extra.
ALLAUTH_PIN=65.22.1
if [ "$("$ENVS/django/bin/python" -c 'import allauth; print(allauth.__version__)' 2>/dev/null)" != "$ALLAUTH_PIN" ]; then
    "$ENVS/django/bin/python" -m pip install --disable-pip-version-check --no-input -q "django-allauth==$ALLAUTH_PIN"
    say "django: installed django-allauth $("$ENVS/django/bin/python" -c 'import allauth; print(allauth.__version__)')"
fi
make_env django42 "$LTS_SPEC" "v.startswith('4.2.')" 3.8 3.13 \
    "${DJANGO42_PYTHON:-}" python3 python3.12 python3.11 python3.10 "${PYENV_PYTHONS[@]}"

# Self-check: each environment is stock and runs a whole reset.
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export SECRET_KEY=install-self-check-key
unset SECRET_KEY_FALLBACKS PASSWORD_RESET_TIMEOUT AT TIME_ZONE
for name in django django42; do
    py=$ENVS/$name/bin/python
    db=$TMP/$name.sqlite3
    check() { "$py" "$SITE" "$@" >"$TMP/out" 2>&1 || { cat "$TMP/out" >&2; die "$name: self-check failed at: $*"; }; }
    if "$py" "$SITE" has-argon2 >/dev/null 2>&1; then
        die "$name: argon2 is importable, so this is not a stock Django"
    fi
    check create "$db" selfcheck selfcheck@example.com 'old password'
    link=$("$py" "$SITE" make-link "$db" selfcheck) || die "$name: make-link failed"
    check confirm "$db" "$link" 'new password'
    check login "$db" selfcheck 'new password'
    if "$py" "$SITE" login "$db" selfcheck 'old password' >/dev/null 2>&1; then
        die "$name: the old password still logs in"
    fi
    say "$name: self-check passed (Django $("$py" -c 'import django; print(django.__version__)'), $("$py" --version 2>&1))"
done

# Self-check of the allauth site: allauth's own reset mail, its reset view
# and its login.
py=$ENVS/django/bin/python
db=$TMP/allauth.sqlite3
allauth() { ALLAUTH=1 "$py" "$SITE" "$@"; }
allauth create "$db" selfcheck selfcheck@example.com 'old password' >"$TMP/out" 2>&1 || { cat "$TMP/out" >&2; die "allauth: create failed"; }
link=$(allauth reset-link "$db" selfcheck) || die "allauth: reset-link failed: $link"
allauth confirm "$db" "$link" 'new password' >"$TMP/out" 2>&1 || { cat "$TMP/out" >&2; die "allauth: confirm failed"; }
allauth login "$db" selfcheck 'new password' >"$TMP/out" 2>&1 || { cat "$TMP/out" >&2; die "allauth: login failed"; }
if allauth login "$db" selfcheck 'old password' >/dev/null 2>&1; then
    die "allauth: the old password still logs in"
fi
say "allauth: self-check passed (django-allauth $("$py" -c 'import allauth; print(allauth.__version__)'))"
