#!/usr/bin/env bash
# resetctl against the tools people would use instead, in one run, as ratios.
#
#   bench/run.sh [USERS] [RUNS]      (defaults: 1000000 users, 5 runs)
#
# RESETCTL_BENCH_BIN=path uses that binary instead of building a release one.
#
# Builds the release binary, makes a database of USERS users once (10% with
# an outstanding token, half of those expired) under bench/work/, then times
# each resetctl command beside its baseline with hyperfine and prints medians,
# ratios and peak memory as a Markdown table. Needs hyperfine, sqlite3 and the
# argon2 CLI (Debian: apt-get install hyperfine sqlite3 argon2), and Python's
# bcrypt for the bcrypt baseline (scripts/test-env puts it in
# target/test-env/py, or $RESETCTL_TEST_ENV/py; BENCH_PYTHON names another
# Python that has it).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
users=${1:-1000000}
runs=${2:-5}
bench_start sqlite3 argon2
py=${BENCH_PYTHON:-${RESETCTL_TEST_ENV:-target/test-env}/py/bin/python}
"$py" -c 'import bcrypt' 2>/dev/null ||
  { echo "bench/run.sh: $py has no bcrypt module; run scripts/test-env" >&2; exit 2; }

export RESETCTL_NOW=2026-11-21T10:00:00Z
cfg=$work/bench.toml
printf '[limits]\nissue = "off"\n' > "$cfg"
chmod 600 "$cfg"
export RESETCTL_CONFIG=$cfg

users_db "$users"
# A database made by an older resetctl gets what this one needs (no-op when
# it has it already).
RESETCTL_DB=$base "$bin" -q init
# For purge: half the users hold an expired token.
expired=$work/expired-$users.db
if [ ! -f "$expired" ]; then
  cp "$base" "$expired.tmp"
  sqlite3 "$expired.tmp" "UPDATE users SET password_reset_token = lower(hex(randomblob(32))), password_reset_expires = '2026-11-21T09:00:00Z' WHERE id % 2 = 0;"
  mv "$expired.tmp" "$expired"
fi
RESETCTL_DB=$expired "$bin" -q init
db=$work/run.db
cp "$base" "$db"
export RESETCTL_DB=$db
mid=$((users / 2))
email="user$mid@example.com"

quick=$(quick_runs "$runs")
# Commands of a millisecond or two: five times as many runs, for medians
# that a busy moment of the machine does not move.
many=$((quick * 5))

bench startup "$many" "sqlite3 --version" "$bin --version"
bench issue-one "$many" \
  "sqlite3 $db \"UPDATE users SET password_reset_token = lower(hex(randomblob(32))), password_reset_expires = '2026-11-21T11:00:00Z' WHERE email = '$email' COLLATE NOCASE\"" \
  "$bin --json issue $email"
bench inspect-one "$many" \
  "sqlite3 $db \"SELECT id, username, email, password_reset_expires FROM users WHERE email = '$email' COLLATE NOCASE\"" \
  "$bin --json inspect $email"
# The floors of both: the statements resetctl runs for each, by hand in
# one sqlite3 process (bench/floor-issue-one.sql, bench/floor-inspect-one.sql).
for one in issue inspect; do
  sed -e "s/@EMAIL@/$email/g" -e "s/@ID@/$mid/g" "bench/floor-$one-one.sql" > "$work/floor-$one-one.sql"
done
bench issue-one-floor "$many" "sqlite3 $db \".read $work/floor-issue-one.sql\"" "$bin --json issue $email"
bench inspect-one-floor "$many" "sqlite3 $db \".read $work/floor-inspect-one.sql\"" "$bin --json inspect $email"
bench list "$quick" \
  "sqlite3 -json $db \"SELECT id, username, email, password_reset_expires FROM users WHERE password_reset_token IS NOT NULL ORDER BY id\"" \
  "$bin --json list"
token=$(printf 'b%.0s' $(seq 64))
hash=$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)
bench redeem "$quick" \
  "sh -c 'printf %s correct-horse-battery | argon2 somesaltsomesalt -id -t 2 -k 19456 -p 1 -e'" \
  "sh -c 'printf \"%s\\n\" correct-horse-battery | $bin redeem $token --password-stdin'" \
  "sqlite3 $db \"UPDATE users SET password_reset_token = '$hash', password_reset_expires = '2026-11-21T12:00:00Z' WHERE id = $mid\""

# The other schemes redeem writes, each against the same work done by the
# library its apps use: Python's bcrypt (OpenBSD's algorithm in Rust), and
# OpenSSL's PBKDF2 through hashlib.
for scheme in bcrypt pbkdf2; do
  printf '[limits]\nissue = "off"\n[password]\n' > "$work/$scheme.toml"
  chmod 600 "$work/$scheme.toml"
done
printf 'format = "bcrypt"\nbcrypt = { cost = 12 }\n' >> "$work/bcrypt.toml"
printf 'format = "django-pbkdf2"\npbkdf2 = { iterations = 1000000 }\n' >> "$work/pbkdf2.toml"
prepare_redeem="sqlite3 $db \"UPDATE users SET password_reset_token = '$hash', password_reset_expires = '2026-11-21T12:00:00Z' WHERE id = $mid\""
bench redeem-bcrypt "$quick" \
  "sh -c 'printf %s correct-horse-battery | $py -c \"import bcrypt, sys; bcrypt.hashpw(sys.stdin.buffer.read(), bcrypt.gensalt(12))\"'" \
  "sh -c 'printf \"%s\\n\" correct-horse-battery | RESETCTL_CONFIG=$work/bcrypt.toml $bin redeem $token --password-stdin'" \
  "$prepare_redeem"
bench redeem-pbkdf2 "$quick" \
  "sh -c 'printf %s correct-horse-battery | python3 -c \"import hashlib, os, sys; hashlib.pbkdf2_hmac(\\\"sha256\\\", sys.stdin.buffer.read(), os.urandom(16), 1000000)\"'" \
  "sh -c 'printf \"%s\\n\" correct-horse-battery | RESETCTL_CONFIG=$work/pbkdf2.toml $bin redeem $token --password-stdin'" \
  "$prepare_redeem"
# What format = "auto" costs: doctor samples the password column under
# auto and not under a named format; the rest of its work is the same.
printf '[limits]\nissue = "off"\n[password]\nformat = "argon2id"\n' > "$work/named.toml"
chmod 600 "$work/named.toml"
hyperfine --runs "$((quick * 2))" --warmup 3 --style none -N --export-json "$json/auto-sample.json" \
  -n named "$bin --config $work/named.toml --json doctor" \
  -n auto "$bin --config $cfg --json doctor" >/dev/null
# What framework = "auto" costs: the same inspect with the framework named
# in the config file, where no catalogue is read to recognise the app.
printf 'framework = "none"\n[limits]\nissue = "off"\n' > "$work/none.toml"
chmod 600 "$work/none.toml"
hyperfine --runs "$((quick * 2))" --warmup 3 --style none -N --export-json "$json/auto-detect.json" \
  -n named "$bin --config $work/none.toml --json inspect $email" \
  -n auto "$bin --config $cfg --json inspect $email" >/dev/null

bench purge "$runs" \
  "sqlite3 $db \"UPDATE users SET password_reset_token = NULL, password_reset_expires = NULL WHERE password_reset_token IS NOT NULL AND unixepoch(password_reset_expires) <= unixepoch('2026-11-21T10:00:00Z')\"" \
  "$bin --json purge" \
  "sh -c 'cp $expired $db && sync'"
bench issue-all "$runs" \
  "sqlite3 $db \"UPDATE users SET password_reset_token = lower(hex(randomblob(32))), password_reset_expires = '2026-11-21T11:00:00Z'\"" \
  "$bin --json issue --all" \
  "sh -c 'cp $base $db && sync'"
# The floor: the same rows, and the audit rows, written by hand in one
# sqlite3 transaction (bench/floor.sql).
bench issue-all-floor "$runs" \
  "sqlite3 $db \".read bench/floor.sql\"" \
  "$bin --json issue --all" \
  "sh -c 'cp $base $db && sync'"
# issue --all --lock against issue --all: the lock writes random bytes in
# the app's scheme (no hashing per user) and ends no sessions here.
bench issue-all-lock "$runs" \
  "$bin --json issue --all" \
  "$bin --json --reason BENCH issue --all --lock" \
  "sh -c 'cp $base $db && sync'"

# Peak memory of the streaming commands.
cp "$base" "$db"
rss_issue=$( { /usr/bin/time -f %M "$bin" --json issue --all >/dev/null; } 2>&1 | tail -1)
rss_list=$( { /usr/bin/time -f %M "$bin" --json list >/dev/null; } 2>&1 | tail -1)

# How long the app's own writes wait on the lock while issue --all runs.
cp "$base" "$db"
rm -f "$work/done"
python3 bench/lock_wait.py "$db" "$work/done" > "$work/lock_wait" &
writer=$!
"$bin" -q --json issue --all >/dev/null
touch "$work/done"
wait "$writer"
read -r wait_max wait_p99 wait_n < "$work/lock_wait"

echo "$(machine) Users: $(printf "%'d" "$users"). Runs: $runs for purge and issue-all, $many for startup and the one-user commands, $quick for the others (median)."
echo
table startup=1.0 issue-one=1.0 inspect-one=1.0 issue-one-floor=1.0 inspect-one-floor=1.0 list=1.5 redeem=1.0 redeem-bcrypt=1.0 redeem-pbkdf2=1.0 purge=1.2 issue-all=1.5 issue-all-floor=1.5 issue-all-lock=1.2
python3 - "$json" "$rss_issue" "$rss_list" "$wait_max" "$wait_p99" "$wait_n" <<'PY'
import json, os, statistics, sys
folder, rss_issue, rss_list, wait_max, wait_p99, wait_n = sys.argv[1:]
named, auto = (statistics.median(r["times"]) for r in json.load(open(os.path.join(folder, "auto-sample.json")))["results"])
print(f"\nformat = auto: doctor {auto * 1000:.2f} ms against {named * 1000:.2f} ms with a named format: "
      f"sampling the newest 1,000 users costs {(auto - named) * 1000:.2f} ms (target < 1 ms).")
named, auto = (statistics.median(r["times"]) for r in json.load(open(os.path.join(folder, "auto-detect.json")))["results"])
print(f"\nframework = auto: inspect {auto * 1000:.2f} ms against {named * 1000:.2f} ms with framework = \"none\" named: "
      f"recognising the app costs {(auto - named) * 1000:.2f} ms (target < 1 ms).")
print(f"\nPeak RSS: issue --all {int(rss_issue) / 1024:.1f} MB, list --json {int(rss_list) / 1024:.1f} MB (target < 64 MB).")
print(f"\nThe app's writes during issue --all: {wait_n} writes, the longest waited {wait_max} ms "
      f"for the lock, 99% waited at most {wait_p99} ms.")
PY
