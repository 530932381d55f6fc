# What every benchmark script here shares; sourced, not run.
#
#   bench_start TOOLS...   checks the tools, picks the binary ($bin: a fresh
#                          release build, or RESETCTL_BENCH_BIN), makes
#                          bench/work and $json
#   bench NAME RUNS BASELINE RESETCTL [PREPARE]
#                          one hyperfine run of both commands, after sync
#   table NAME=TARGET...   the Markdown table of medians and ratios
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
  if [ -n "${RESETCTL_BENCH_BIN:-}" ]; then
    bin=$(realpath "$RESETCTL_BENCH_BIN")
  else
    cargo build --release --quiet
    bin=$PWD/target/release/resetctl
  fi
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
