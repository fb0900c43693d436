#!/usr/bin/env bash
# Lint throughput on one core, against Botan's own rate over the same certificates, in one run.
#
#   bench/lint.sh [BUILD_DIR] [N]        (defaults: build, 10000)
#
# Makes N client certificates under one EC P-256 root with pkitool's signing code (cached in
# BUILD_DIR/bench-lint-N), then times, pinned to one CPU and counting CPU time (user+sys, so other
# load on a shared machine does not skew the ratios):
#   structural   pkitool lint DIR                    vs  Botan read+parse of every file
#   signatures   pkitool lint DIR --anchor ca.crt    vs  Botan read+parse+check_signature
#                                                        (and check_signature alone, pre-parsed)
# Targets (issue 4): structural >= 20,000 certs/s; with signatures >= 80 % of the raw Botan rate.
set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH"  # Debian's python3, aws, openssl first (issue #16)
cd "$(dirname "$0")/.."
build=${1:-build}
n=${2:-10000}
pkitool=$build/pkitool/pkitool
helper=$build/bench/lint_bench
[ -x "$pkitool" ] && [ -x "$helper" ] || { echo "build first: cmake -S . -B $build -G Ninja && ninja -C $build" >&2; exit 1; }
data=$build/bench-lint-$n
if [ ! -f "$data/ca.crt" ] || [ "$(ls "$data/certs" | wc -l)" != "$n" ]; then
  rm -rf "$data"
  echo "generating $n certificates in $data ..." >&2
  "$helper" generate "$data" "$n"
fi
pin=(taskset -c 0)
command -v taskset >/dev/null || pin=()

# cpu_seconds CMD...: runs CMD 3 times (stdout discarded), prints the least user+sys CPU seconds.
cpu_seconds() {
  local TIMEFORMAT='%3U %3S' best=""
  for _ in 1 2 3; do
    t=$({ time "${pin[@]}" "$@" >/dev/null; } 2>&1 | tail -1 | awk '{ printf "%.3f", $1 + $2 }')
    best=$(awk -v a="$t" -v b="${best:-$t}" 'BEGIN { print (a < b ? a : b) }')
  done
  echo "$best"
}
rate() { awk -v n="$n" -v s="$1" 'BEGIN { printf "%.0f", n / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f%%", 100 * a / b }'; }

# Warm the page cache so the first timed run does not pay for disk reads.
cat "$data"/certs/* >/dev/null

# The baseline, best of 3 for each of its rates.
base_parse=0 base_verify=0 base_sig_only=0
for _ in 1 2 3; do
  read -r _ p v s < <("${pin[@]}" "$helper" baseline "$data/certs" "$data/ca.crt")
  base_parse=$(awk -v a="$p" -v b="$base_parse" 'BEGIN { print (a > b ? a : b) }')
  base_verify=$(awk -v a="$v" -v b="$base_verify" 'BEGIN { print (a > b ? a : b) }')
  base_sig_only=$(awk -v a="$s" -v b="$base_sig_only" 'BEGIN { print (a > b ? a : b) }')
done
s_struct=$(cpu_seconds "$pkitool" lint "$data/certs")
s_sig=$(cpu_seconds "$pkitool" lint "$data/certs" --anchor "$data/ca.crt")
# The verdict must be clean, or the timing measured the wrong thing.
"$pkitool" lint "$data/certs" --anchor "$data/ca.crt" | tail -1 | grep -q " 0 error(s), 0 warning(s)" || { echo "lint found problems in the bench corpus" >&2; exit 1; }
lint_struct=$(rate "$s_struct")
lint_sig=$(rate "$s_sig")

printf '%-44s %12s\n' "one core, $n certificates, CPU time" "certs/s"
printf '%-44s %12.0f\n' "Botan read + parse (baseline)" "$base_parse"
printf '%-44s %12s   %s of Botan parse; target 20000 certs/s\n' "pkitool lint (structure)" "$lint_struct" "$(ratio "$lint_struct" "$base_parse")"
printf '%-44s %12.0f\n' "Botan read + parse + check_signature" "$base_verify"
printf '%-44s %12.0f\n' "Botan check_signature alone (pre-parsed)" "$base_sig_only"
printf '%-44s %12s   %s of Botan parse+verify, %s of verify alone; target 80%%\n' "pkitool lint --anchor (with signatures)" "$lint_sig" \
  "$(ratio "$lint_sig" "$base_verify")" "$(ratio "$lint_sig" "$base_sig_only")"
