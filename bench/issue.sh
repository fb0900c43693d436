#!/usr/bin/env bash
# Issuance throughput, side by side in one run (ratios, not absolute times: machines are shared).
#   A. pkitool issue --batch          N keys + certificates in one process
#   B. pkitool issue --csr, N times   one process per CSR
#   C. the openssl command-line flow  ecparam -genkey / req -new / x509 -req -extfile, per certificate
#   D. openssl ca -batch, N times     one call per CSR
# Every way issues EC P-256 certificates with the Roles Anywhere client extensions.
# Usage: bench/issue.sh [N]   (default 300). Needs a built pkitool (bash .ci/build).
set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH"  # Debian's python3, aws, openssl first (issue #16)
N=${1:-300}
root=$(cd "$(dirname "$0")/.." && pwd)
pkitool=${PKITOOL:-$root/build/pkitool/pkitool}
[ -x "$pkitool" ] || pkitool=$("$root/.ci/build")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

now() { date +%s.%N; }
rate() { python3 -c "import sys; n,t=float(sys.argv[1]),float(sys.argv[2]); print(f'{n/t:10.1f} certs/s  ({t:.2f} s)')" "$1" "$2"; }

# Shared set-up, not timed: a CA for each tool and N CSRs.
"$pkitool" -q ca init --dir ca --subject "CN=Bench Root"
openssl ecparam -name prime256v1 -genkey -noout -out ossl-ca.key 2>/dev/null
openssl req -new -x509 -key ossl-ca.key -subj "/CN=Bench OpenSSL Root" -days 3650 -out ossl-ca.crt \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
cat > leaf.ext <<'X'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
X
mkdir -p csr osslca/newcerts out-b out-c out-d fleet
: > osslca/index.txt
cat > osslca.cnf <<X
[ ca ]
default_ca = bench
[ bench ]
dir = $work/osslca
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
certificate = $work/ossl-ca.crt
private_key = $work/ossl-ca.key
rand_serial = yes
default_md = sha256
default_days = 365
policy = anything
x509_extensions = leaf
unique_subject = no
[ anything ]
commonName = supplied
[ leaf ]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
X
echo "name,subject,san,key_type,days,profile" > fleet.csv
for i in $(seq 1 "$N"); do
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout csr/$i.key \
    -subj "/CN=vm-$i" -out csr/$i.csr 2>/dev/null
  echo "vm-$i,CN=vm-$i,,,," >> fleet.csv
done

echo "Issuing $N EC P-256 certificates each way:"
t0=$(now); "$pkitool" -q issue --ca ca --batch fleet.csv --out-dir fleet --yes; t1=$(now)
tA=$(python3 -c "print($t1-$t0)")
t0=$(now)
for i in $(seq 1 "$N"); do "$pkitool" -q issue --ca ca --csr csr/$i.csr --out out-b/$i.crt --yes; done
t1=$(now); tB=$(python3 -c "print($t1-$t0)")
t0=$(now)
for i in $(seq 1 "$N"); do
  openssl ecparam -name prime256v1 -genkey -noout -out out-c/$i.key
  openssl req -new -key out-c/$i.key -subj "/CN=vm-$i" -out out-c/$i.csr
  openssl x509 -req -in out-c/$i.csr -CA ossl-ca.crt -CAkey ossl-ca.key -CAcreateserial -days 365 \
    -sha256 -extfile leaf.ext -out out-c/$i.crt 2>/dev/null
done
t1=$(now); tC=$(python3 -c "print($t1-$t0)")
t0=$(now)
for i in $(seq 1 "$N"); do
  openssl ca -batch -config osslca.cnf -in csr/$i.csr -out out-d/$i.crt -notext 2>/dev/null
done
t1=$(now); tD=$(python3 -c "print($t1-$t0)")

# Sanity: every way produced verifiable certificates (a benchmark of broken output is worthless).
openssl verify -x509_strict -CAfile ca/ca.crt fleet/vm-1.crt "out-b/$N.crt" >/dev/null
openssl verify -x509_strict -CAfile ossl-ca.crt "out-c/$N.crt" "out-d/$N.crt" >/dev/null
[ "$(ls fleet/*.crt | wc -l)" -eq "$N" ] && [ "$(ls out-b | wc -l)" -eq "$N" ]

printf 'A  pkitool issue --batch        %s\n' "$(rate "$N" "$tA")"
printf 'B  pkitool issue, per process   %s\n' "$(rate "$N" "$tB")"
printf 'C  openssl genkey/req/x509 flow %s\n' "$(rate "$N" "$tC")"
printf 'D  openssl ca -batch, per call  %s\n' "$(rate "$N" "$tD")"
python3 - "$tA" "$tB" "$tC" "$tD" <<'P'
import sys
a, b, c, d = map(float, sys.argv[1:])
print(f"ratio batch vs openssl flow (C/A):              {c/a:7.1f}x  (target >= 130x)")
print(f"ratio one pkitool issue vs one openssl ca (D/B): {d/b:7.1f}x  (target >= 3x)")
P
