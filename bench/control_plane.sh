#!/usr/bin/env bash
# emulate's control plane: ListTrustAnchors/s, UpdateProfile/s (a write) and CreateSession/s over
# loopback HTTP, with the state in SQLite (--state) and in memory, in one run with their ratios.
# Usage: bench/control_plane.sh [BUILD_DIR] [SECONDS]   (default build/, 2 s per measurement)
set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH"  # Debian's tools first (issue #16)
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
seconds=${2:-2}
pkitool=$build/pkitool/pkitool
bench=$build/bench/control_plane_bench
[ -x "$pkitool" ] && [ -x "$bench" ] || { echo "build first: ninja -C $build pkitool control_plane_bench" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$pkitool" --quiet ca init --dir "$dir/ca" --subject "CN=Bench Root" >/dev/null
"$pkitool" --quiet issue --ca "$dir/ca" --subject "CN=bench-vm" --key-type ec:p256 --out "$dir/vm.crt" --key-out "$dir/vm.key" --yes >/dev/null
echo "== emulate control plane ($(nproc) cores, $(date -u +%FT%TZ), loadavg $(cut -d' ' -f1-3 /proc/loadavg))"
"$bench" "$dir/ca/ca.crt" "$dir/vm.crt" "$dir/vm.key" "$dir/state.db" "$seconds"
echo "loadavg after: $(cut -d' ' -f1-3 /proc/loadavg)"
