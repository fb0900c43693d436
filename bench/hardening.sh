#!/usr/bin/env bash
# What a hostile local process costs `pkitool emulate` and `exchange serve`'s loopback server:
#
#   bench/hardening.sh [BUILD_DIR] [OTHER_BUILD_DIR]
#
# For each build (OTHER_BUILD_DIR: e.g. an older commit's build, measured in the same run):
#   - the time to answer one valid request alone (the baseline), then while 200 and 1000
#     connections sit idle or trickle a request head a byte at a time;
#   - the server's peak resident memory (VmHWM) before and after one 200 MB chunked body.
# Uses tests/support/http_attacks.py (Debian's python3). Prints the load average: the machine is
# shared, so compare the ratios to the baseline, not the absolute times.
set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH"
root=$(cd "$(dirname "$0")/.." && pwd)
builds=("$(realpath "${1:-$root/build}")")
[ -n "${2:-}" ] && builds+=("$(realpath "$2")")
attacks="$root/tests/support/http_attacks.py"
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"

echo "== loopback server under hostile connections, 2 cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
for build in "${builds[@]}"; do
  pkitool=$build/pkitool/pkitool
  rm -rf ca && "$pkitool" --quiet ca init --dir ca --subject "CN=Bench Root" >/dev/null
  "$pkitool" emulate --anchor ca/ca.crt --port 0 --json >emulate.out 2>emulate.err &
  pid=$!
  for _ in $(seq 200); do [ -s emulate.out ] && break; sleep 0.05; done
  port=$(python3 -c 'import json,sys; print(json.load(open("emulate.out"))["endpoint"].rsplit(":",1)[1])')
  # The process that serves: pkitool itself, or the pkitool-server it execs (older builds).
  server=$pid
  echo "-- $build ($(git -C "$build/.." log -1 --format=%h 2>/dev/null || echo '?'))"
  alone=$(python3 "$attacks" starve "$port" 0 emulate)
  printf '  valid request alone:                 %s\n' "$alone"
  for n in 200 1000; do
    printf '  valid request, %4d hostile conns:   %s\n' "$n" "$(python3 "$attacks" starve "$port" "$n" emulate)"
  done
  before=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
  chunked=$(python3 "$attacks" chunked "$port" POST /sessions 200)
  after=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
  printf '  200 MB chunked body:                 %s; peak RSS %d KiB -> %d KiB\n' "$chunked" "$before" "$after"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=
  rm -f emulate.out
done
