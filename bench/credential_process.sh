#!/usr/bin/env bash
# credential-process wall time, side by side in one run: process start (`true`, `pkitool --version`),
# warm cache, and cold (--no-cache: sign + CreateSession on loopback). Reports ms per call and ratios.
# The endpoint is `pkitool emulate` when this pkitool has it, else the Python fake of the tests
# (tests/exchange/fake_rolesanywhere.py, which is itself slower than a C++ endpoint would be).
# Usage: bench/credential_process.sh [PKITOOL] [N]     (default build/pkitool/pkitool, 200)
set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH"  # Debian's python3, aws, openssl first (issue #16)
here=$(cd "$(dirname "$0")/.." && pwd)
pkitool=$(realpath "${1:-$here/build/pkitool/pkitool}")
n=${2:-200}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"

"$pkitool" ca init --dir root-ca --subject "CN=Bench Root" >/dev/null 2>&1
"$pkitool" issue --ca root-ca --subject CN=bench-vm --out vm.crt --key-out vm.key --yes >/dev/null 2>&1
arns=(--trust-anchor-arn arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/ta
      --profile-arn arn:aws:rolesanywhere:eu-west-1:123456789012:profile/p
      --role-arn arn:aws:iam::123456789012:role/Bench)
if "$pkitool" emulate --help 2>/dev/null | grep -q -- --anchor; then
  endpoint_kind="pkitool emulate"
  "$pkitool" emulate --anchor root-ca/ca.crt --port 0 --json >emulate.out 2>emulate.err &
  pids+=($!)
  for _ in $(seq 100); do [ -s emulate.out ] && break; sleep 0.05; done
  url=$(python3 -c 'import json,sys; print(json.load(open("emulate.out"))["endpoint"])')
  mapfile -t arns < <(python3 -c 'import json; j=json.load(open("emulate.out"))
print("--trust-anchor-arn"); print(j["trustAnchorArn"]); print("--profile-arn"); print(j["profileArn"]); print("--role-arn"); print(j["roleArn"])')
else
  endpoint_kind="Python fake (tests/exchange/fake_rolesanywhere.py)"
  /usr/bin/python3 "$here/tests/exchange/fake_rolesanywhere.py" --anchor root-ca/ca.crt --lifetime 3600 >fake.out &
  pids+=($!)
  for _ in $(seq 100); do [ -s fake.out ] && break; sleep 0.05; done
  url="http://127.0.0.1:$(awk '{print $2}' fake.out)"
fi
export XDG_CACHE_HOME="$work/cache"
cp_args=(exchange credential-process --certificate vm.crt --private-key vm.key "${arns[@]}" --endpoint "$url")
"$pkitool" "${cp_args[@]}" >/dev/null  # warms the cache (and checks the set-up works)

# "WALL CPU": mean milliseconds per call of "$@" over $n calls, wall clock and user+sys CPU of the
# children. CPU time is reported too because on a shared, loaded machine wall time is mostly queueing.
per_call() {
  local TIMEFORMAT='%R %U %S' t
  t=$( { time (for ((i = 0; i < n; i++)); do "$@" >/dev/null; done) ; } 2>&1 )
  awk -v n="$n" '{ printf "%.2f %.2f\n", $1 * 1000 / n, ($2 + $3) * 1000 / n }' <<<"$t"
}
read -r w_true c_true < <(per_call /bin/true)
read -r w_version c_version < <(per_call "$pkitool" --version)
read -r w_warm c_warm < <(per_call "$pkitool" "${cp_args[@]}")
read -r w_cold c_cold < <(per_call "$pkitool" "${cp_args[@]}" --no-cache)

echo "credential-process, $n calls each, endpoint: $endpoint_kind at $url"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
printf '%-40s %10s %10s\n' "" "wall ms" "CPU ms" "/bin/true (fork+exec)" "$w_true" "$c_true" \
  "pkitool --version (start-up)" "$w_version" "$c_version" "credential-process, warm cache" "$w_warm" "$c_warm" \
  "credential-process, cold (--no-cache)" "$w_cold" "$c_cold"
awk -v wv="$w_version" -v ww="$w_warm" -v wc="$w_cold" -v cv="$c_version" -v cw="$c_warm" -v cc="$c_cold" 'BEGIN {
  printf "ratios (wall): warm/start-up %.2f, cold/warm %.2f; warm/5ms target %.2f, cold/20ms target %.2f\n", ww / wv, wc / ww, ww / 5, wc / 20
  printf "ratios (CPU):  warm/start-up %.2f, cold/warm %.2f; warm/5ms target %.2f, cold/20ms target %.2f\n", cw / cv, cc / cw, cw / 5, cc / 20
}'
echo "(cold includes the endpoint's own time only in wall; its CPU is not a child of this script)"
