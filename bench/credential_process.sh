#!/usr/bin/env bash
# credential-process wall time, side by side in one run: process start (`true`, `pkitool --version`),
# warm cache, and cold (--no-cache: sign + CreateSession on loopback). Reports ms per call and ratios.
# The endpoint is `pkitool emulate` when this pkitool has it, else the Python fake of the tests
# (tests/exchange/fake_rolesanywhere.py, which is itself slower than a C++ endpoint would be).
# Usage: bench/credential_process.sh [PKITOOL] [N]     (default build/pkitool/pkitool, 200)
set -euo pipefail
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
if "$pkitool" emulate --help >/dev/null 2>&1; then
  endpoint_kind="pkitool emulate"
  "$pkitool" emulate --anchor root-ca/ca.crt --port 0 --json >emulate.out 2>emulate.err &
  pids+=($!)
  for _ in $(seq 100); do [ -s emulate.out ] && break; sleep 0.05; done
  url=$(python3 -c 'import json,sys; print(json.load(open("emulate.out"))["endpoint"])')
  mapfile -t arns < <(python3 -c 'import json; j=json.load(open("emulate.out"))
print("--trust-anchor-arn"); print(j["trust_anchor_arn"]); print("--profile-arn"); print(j["profile_arn"]); print("--role-arn"); print(j["role_arn"])')
else
  endpoint_kind="Python fake (tests/exchange/fake_rolesanywhere.py)"
  python3 "$here/tests/exchange/fake_rolesanywhere.py" --anchor root-ca/ca.crt --lifetime 3600 >fake.out &
  pids+=($!)
  for _ in $(seq 100); do [ -s fake.out ] && break; sleep 0.05; done
  url="http://127.0.0.1:$(awk '{print $2}' fake.out)"
fi
export XDG_CACHE_HOME="$work/cache"
cp_args=(exchange credential-process --certificate vm.crt --private-key vm.key "${arns[@]}" --endpoint "$url")
"$pkitool" "${cp_args[@]}" >/dev/null  # warms the cache (and checks the set-up works)

# Mean milliseconds per call of "$@" over $n calls.
per_call() {
  local start end
  start=$(date +%s%N)
  for ((i = 0; i < n; i++)); do "$@" >/dev/null; done
  end=$(date +%s%N)
  echo "scale=3; ($end - $start) / $n / 1000000" | bc
}
t_true=$(per_call /bin/true)
t_version=$(per_call "$pkitool" --version)
t_warm=$(per_call "$pkitool" "${cp_args[@]}")
t_cold=$(per_call "$pkitool" "${cp_args[@]}" --no-cache)

echo "credential-process, $n calls each, endpoint: $endpoint_kind at $url"
printf '%-34s %8s ms/call\n' "/bin/true (fork+exec)" "$t_true" "pkitool --version (start-up)" "$t_version" \
  "credential-process, warm cache" "$t_warm" "credential-process, cold (--no-cache)" "$t_cold"
echo "ratios: warm/start-up = $(echo "scale=2; $t_warm / $t_version" | bc)," \
  "cold/warm = $(echo "scale=1; $t_cold / $t_warm" | bc)," \
  "warm vs 5 ms target = $(echo "scale=2; $t_warm / 5" | bc)x, cold vs 20 ms target = $(echo "scale=2; $t_cold / 20" | bc)x"
