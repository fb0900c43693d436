#!/usr/bin/env bash
# CRL signing speed: `pkitool crl` against `openssl ca -gencrl` as the baseline, same CA key and
# the same N revoked serials, side by side in one run. Prints each median and the ratio.
# Usage: bench/crl.sh [PKITOOL_BINARY] [N entries, default 10000] [runs, default 5]
set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH"  # Debian's python3, aws, openssl first (issue #16)
pkitool=$(realpath "${1:-build/pkitool/pkitool}")
n=${2:-10000}
runs=${3:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

"$pkitool" -q ca init --dir ca --subject "CN=Bench CA"
# The same N revoked serials in both CAs' records: pkitool's inventory (via sqlite3, as the
# library would store them) and openssl's index.txt.
sqlite3 ca/pkitool.db "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $n)
  INSERT INTO certificates (serial, subject, not_before, not_after, profile, fingerprint, der, created_at, revoked_at, revocation_reason)
  SELECT printf('7F%030X', i), 'CN=bench', 0, 4102444800, 'rolesanywhere-client', '00', x'3000', 0, 1760000000, 'keyCompromise' FROM n;"
awk -v n="$n" 'BEGIN { for (i = 1; i <= n; i++) printf "R\t491231235959Z\t251009084320Z,keyCompromise\t7F%030X\tunknown\t/CN=bench\n", i }' > index.txt
cat > openssl.cnf <<CNF
[ ca ]
default_ca = bench
[ bench ]
database = index.txt
crlnumber = crlnumber
default_md = sha256
default_crl_days = 7
CNF
echo 01 > crlnumber

# Median wall time of `runs` runs of a command, in milliseconds.
median_ms() {
    local times=()
    for _ in $(seq "$runs"); do
        local start end
        start=$(date +%s%N)
        "$@" >/dev/null 2>&1
        end=$(date +%s%N)
        times+=($(( (end - start) / 1000000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
}

pk=$(median_ms "$pkitool" crl --ca ca --days 7)
os=$(median_ms openssl ca -gencrl -config openssl.cnf -keyfile ca/private/ca.key -cert ca/ca.crt -out openssl.crl)

# Both must really have produced N entries, or the timing means nothing.
for f in ca/crl.pem openssl.crl; do
    got=$(openssl crl -in "$f" -noout -text | grep -c 'Serial Number:')
    [ "$got" -eq "$n" ] || { echo "bench: $f has $got entries, expected $n" >&2; exit 1; }
done
printf 'CRL with %d entries (median of %d runs)\n' "$n" "$runs"
printf '  pkitool crl          %6d ms   %d PEM characters\n' "$pk" "$(wc -c < ca/crl.pem)"
printf '  openssl ca -gencrl   %6d ms   %d PEM characters\n' "$os" "$(wc -c < openssl.crl)"
awk -v a="$pk" -v b="$os" 'BEGIN { printf "  ratio pkitool/openssl: %.2f\n", (b > 0 ? a / b : 0) }'
