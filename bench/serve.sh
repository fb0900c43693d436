#!/usr/bin/env bash
# `pkitool exchange serve` requests/s on loopback, next to a baseline measured in the same run.
#
#   bench/serve.sh [BUILD_DIR] [SECONDS] [CONNECTIONS]     (defaults: build, 5, 4)
#
# Starts `pkitool emulate` (the Roles Anywhere endpoint), then `exchange serve` in front of it,
# takes an IMDSv2 token (PUT /latest/api/token) and runs wrk, one thread, against
#   GET /latest/meta-data/iam/security-credentials/ROLE   with X-aws-ec2-metadata-token
# The baseline is build/bench/serve_baseline: cpp-httplib (the library serve ran on before issue #9) answering
# every GET with a constant body of the same size, doing no work, with Nagle off and long keep-alive:
# the ceiling for serve on this machine and this load. Target (issue): serve >= 20,000 requests/s.
# wrk runs on the same 2 cores as the servers, so the absolute figures depend on the load average
# printed at the top; compare the ratio.
set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH"  # Debian's python3, aws, openssl first (issue #16)
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:-$root/build}")
seconds=${2:-5}
connections=${3:-4}
pkitool=$build/pkitool/pkitool
baseline=$build/bench/serve_baseline
[ -x "$pkitool" ] && [ -x "$baseline" ] || { echo "build first: ninja -C $build pkitool serve_baseline" >&2; exit 1; }
if ! command -v wrk >/dev/null; then
  echo "wrk is missing: installing the Debian package" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q wrk >/dev/null
fi

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"
export HOME=$work XDG_CACHE_HOME=$work/cache

# wait_line FILE: waits (up to 10 s) until FILE has a first line.
wait_line() { for _ in $(seq 200); do [ -s "$1" ] && return 0; sleep 0.05; done; echo "no output in $1: $(cat "${1%.out}.err" 2>/dev/null)" >&2; exit 1; }

"$pkitool" --quiet ca init --dir ca --subject "CN=Bench Root" >/dev/null
"$pkitool" --quiet issue --ca ca --subject CN=bench-vm --key-type ec:p256 --out vm.crt --key-out vm.key --yes >/dev/null
"$pkitool" emulate --anchor ca/ca.crt --port 0 --json >emulate.out 2>emulate.err &
pids+=($!)
wait_line emulate.out
mapfile -t e < <(python3 -c 'import json; j = json.load(open("emulate.out"))
for k in ("endpoint", "trustAnchorArn", "profileArn", "roleArn"): print(j[k])')
role=${e[3]##*/}
"$pkitool" exchange serve --port 0 --certificate vm.crt --private-key vm.key --trust-anchor-arn "${e[1]}" \
  --profile-arn "${e[2]}" --role-arn "${e[3]}" --endpoint "${e[0]}" >serve.out 2>serve.err &
pids+=($!)
wait_line serve.out
url=$(head -1 serve.out)

token=$(curl -sf -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 21600" "$url/latest/api/token")
path=/latest/meta-data/iam/security-credentials/$role
answer=$(curl -sf -H "X-aws-ec2-metadata-token: $token" "$url$path")
grep -q '"Code" *: *"Success"' <<<"$answer" || { echo "serve did not answer Success: $answer $(cat serve.err)" >&2; exit 1; }
# Without the token the same request must be refused, or the bench would measure the wrong thing.
[ "$(curl -s -o /dev/null -w '%{http_code}' "$url$path")" = 401 ] || { echo "serve answered without a token" >&2; exit 1; }

"$baseline" "${#answer}" >baseline.out 2>baseline.err &
pids+=($!)
wait_line baseline.out
base_url=http://127.0.0.1:$(head -1 baseline.out)

cat >token.lua <<EOF
wrk.headers["X-aws-ec2-metadata-token"] = "$token"
EOF

# run_wrk URL: requests/s of one wrk thread over $connections keep-alive connections; fails on errors.
run_wrk() {
  local out
  out=$(wrk -t1 -c"$connections" -d"${seconds}s" -s token.lua "$1")
  if grep -q "Non-2xx\|Socket errors" <<<"$out"; then echo "wrk saw errors against $1:" >&2; echo "$out" >&2; exit 1; fi
  awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out"
}
wrk -t1 -c"$connections" -d1s -s token.lua "$url$path" >/dev/null  # warm-up
base1=$(run_wrk "$base_url$path")
serve=$(run_wrk "$url$path")
base2=$(run_wrk "$base_url$path")
base=$(awk -v a="$base1" -v b="$base2" 'BEGIN { printf "%.0f", (a + b) / 2 }')

echo "== exchange serve, loopback, wrk -t1 -c$connections -d${seconds}s, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
printf '%-52s %10s\n' "" "req/s"
printf '%-52s %10s   (runs: %s, %s)\n' "baseline: cpp-httplib, constant ${#answer}-byte body" "$base" "$base1" "$base2"
printf '%-52s %10s   %s of baseline; target 20000 req/s (%s)\n' "exchange serve: GET .../security-credentials/ROLE" "$serve" \
  "$(awk -v a="$serve" -v b="$base" 'BEGIN { printf "%.0f%%", 100 * a / b }')" "$([ "$serve" -ge 20000 ] && echo met || echo NOT met)"
