# What every benchmark script here shares; sourced, not run.
#
#   bench_start TOOLS...   checks the tools, installs the binary to time
#                          as $bin (a fresh release build, or
#                          RESETCTL_BENCH_BIN), makes bench/work and $json
#   bench NAME RUNS BASELINE RESETCTL [PREPARE]
#                          one hyperfine run of both commands, after sync
#   table NAME=TARGET...   the Markdown table of medians and ratios
#   users_db USERS         makes $base, the database of USERS users that
#                          bench/run.sh and bench/profile.sh share, once
#
# Each scenario times resetctl beside its baseline in the same hyperfine
# invocation; the ratio is resetctl's median over the baseline's.

bench_start() {
  cd "$(dirname "${BASH_SOURCE[0]}")/.."
  local tool
  for tool in hyperfine python3 "$@"; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 2; }
  done
  work=bench/work
  json=$work/json
  mkdir -p "$json"
  # CI's smoke run passes the debug binary it already built; real runs use release.
  local built
  if [ -n "${RESETCTL_BENCH_BIN:-}" ]; then
    built=$RESETCTL_BENCH_BIN
  else
    cargo build --release --quiet
    built=target/release/resetctl
  fi
  # The binary is timed as installed (`cargo install`, the Debian package
  # and `install` copy it), like the baselines in /usr/bin: one the linker
  # has just written through a memory map sits in the page cache in small
  # pieces, and every start of it took 0.1-0.3 ms more on this machine
  # (BENCHMARKS.md, "One user").
  bin=$PWD/$work/resetctl
  install -m 755 "$built" "$bin"
}

users_db() {
  local users=$1
  # Every user has a password hash as an Argon2 app stores it, so that
  # format = "auto" finds what to write.
  local app_hash='$argon2id$v=19$m=19456,t=2,p=1$+VXzjpa6ayIpWUraX/kqUw$UXECXMr0QdShJYr7tlvatGeovWcs+Ir3tfeDSZLORCY'
  base=$work/users-$users.db
  [ ! -f "$base" ] || return 0
  echo "making $base ..." >&2
  rm -f "$base.tmp"
  RESETCTL_DB=$base.tmp "$bin" -q init
  sqlite3 "$base.tmp" "
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $users)
    INSERT INTO users (id, username, email, password_hash, password_reset_token, password_reset_expires)
    SELECT i, 'user' || i, 'User' || i || '@Example.com', '$app_hash',
           CASE WHEN i % 10 = 0 THEN lower(hex(randomblob(32))) END,
           CASE WHEN i % 20 = 0 THEN '2026-11-21T09:00:00Z' WHEN i % 10 = 0 THEN '2026-11-21T12:00:00Z' END
    FROM n;"
  mv "$base.tmp" "$base"
}

# Runs of the quick scenarios: commands of a few milliseconds vary run to
# run more than the slow ones, so they get at least 20, which cost little.
# BENCH_QUICK_RUNS sets another count (CI's smoke runs, which only keep the
# scripts working, take 2).
quick_runs() {
  echo "${BENCH_QUICK_RUNS:-$(( $1 > 20 ? $1 : 20 ))}"
}

bench() {
  local name=$1 n=$2 baseline=$3 ours=$4 prepare=${5:-}
  local args=(--runs "$n" --warmup 1 --style none --export-json "$json/$name.json" -N)
  [ -z "$prepare" ] || args+=(--prepare "$prepare")
  # The writes of the scenario before are flushed first, so no scenario's
  # fsyncs queue behind another's gigabytes.
  sync
  hyperfine "${args[@]}" -n baseline "$baseline" -n resetctl "$ours" >/dev/null
}

table() {
  python3 - "$json" "$@" <<'PY'
import json, os, statistics, sys
folder, *pairs = sys.argv[1:]
print("| scenario | baseline median | resetctl median | ratio | target | met |")
print("|---|---|---|---|---|---|")
for pair in pairs:
    name, target = pair.split("=")
    data = json.load(open(os.path.join(folder, name + ".json")))["results"]
    base, ours = (statistics.median(r["times"]) for r in data)
    ratio = ours / base
    print(f"| {name} | {base * 1000:.1f} ms | {ours * 1000:.1f} ms | {ratio:.2f}x | <= {target}x | {'yes' if ratio <= float(target) else 'no'} |")
PY
}

machine() {
  python3 -c 'import os, platform
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
print(f"Machine: {cpu}, {os.cpu_count()} cores.")'
}
