#!/usr/bin/env bash
# Where `issue --all` spends its time, per user and by kind of work.
#
#   bench/profile.sh [USERS]     (default 1000000: the database bench/run.sh makes)
#
# Builds the `profiling` profile (the release build with line tables), then,
# each on a fresh copy of bench/work/users-USERS.db, flushed:
#   1. counts what `resetctl --json issue --all` asks of the system (CPU and
#      wall time, fsync/fdatasync, pread64/pwrite64, getrandom) with `perf stat`;
#   2. samples it with `perf record --call-graph dwarf` and prints the top
#      entries of `perf report --no-children` (time spent in each function
#      itself) and the samples grouped by what each was doing for a user:
#      random bytes, SHA-256, the token UPDATE, the audit INSERT, reading the
#      users, the commit, JSON output. Needs perf, sqlite3 and python3.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
users=${1:-1000000}
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for tool in perf sqlite3 python3; do
  command -v "$tool" >/dev/null || { echo "bench/profile.sh: $tool is needed" >&2; exit 2; }
done
work=bench/work
mkdir -p "$work"
cargo build --profile profiling --quiet
bin=$PWD/target/profiling/resetctl
users_db "$users"
RESETCTL_DB=$base "$bin" -q init

export RESETCTL_NOW=2026-11-21T10:00:00Z
export RESETCTL_CONFIG=$work/bench.toml
printf '[limits]\nissue = "off"\n' > "$RESETCTL_CONFIG"
chmod 600 "$RESETCTL_CONFIG"
export RESETCTL_DB=$work/profile.db
fresh() { cp "$base" "$RESETCTL_DB" && sync; }

fresh
echo "== perf stat: one issue --all on $(printf "%'d" "$users") users"
perf stat -e task-clock,page-faults \
  -e syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync \
  -e syscalls:sys_enter_pwrite64,syscalls:sys_enter_pread64,syscalls:sys_enter_getrandom \
  -- "$bin" --json issue --all 2>&1 >/dev/null | grep -E 'task-clock|faults|sys_enter|elapsed|user|sys'

fresh
data=$work/issue-all.perf
# 200 samples a second with 32 KB of stack each: about 6,000 samples for a
# 30 s run, enough for shares of 1% and a file of a few hundred MB.
perf record -q -F 200 --call-graph dwarf,32768 -o "$data" -- "$bin" --json issue --all >/dev/null
echo
echo "== perf report --no-children: top entries (self time)"
perf report -i "$data" --no-children --sort symbol --stdio -g none --percent-limit 0.7 2>/dev/null |
  grep -v '^#' | grep -v '^$' | head -40
echo
echo "== samples by category (the first match from the sampled function outwards)"
perf script -i "$data" -F period,ip,sym 2>/dev/null | python3 "$(dirname "$0")/profile_categories.py" "$users"
