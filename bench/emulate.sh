#!/usr/bin/env bash
# Local endpoint CreateSession verifications/s with EC keys, next to the raw ECDSA verify rate.
# Usage: bench/emulate.sh [BUILD_DIR] [SECONDS]   (default build/, 2 s per measurement)
set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH"  # Debian's python3, aws, openssl first (issue #16)
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
seconds=${2:-2}
pkitool=$build/pkitool/pkitool
bench=$build/bench/emulate_bench
[ -x "$pkitool" ] && [ -x "$bench" ] || { echo "build first: ninja -C $build pkitool emulate_bench" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$pkitool" --quiet ca init --dir "$dir/ca" --subject "CN=Bench Root" >/dev/null
"$pkitool" --quiet issue --ca "$dir/ca" --subject "CN=bench-vm" --key-type ec:p256 --out "$dir/vm.crt" --key-out "$dir/vm.key" --yes >/dev/null
echo "== emulate CreateSession (EC P-256 leaf, $(nproc) cores, $(date -u +%FT%TZ))"
"$pkitool" --quiet crl --ca "$dir/ca" >/dev/null   # an empty CRL: still fetched, signature-checked and searched
"$bench" "$dir/ca/ca.crt" "$dir/vm.crt" "$dir/vm.key" "$seconds" "$dir/ca/crl.pem"
