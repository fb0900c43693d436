#!/usr/bin/env bash
# Keys in a token vs keys in files (issue #11), side by side in one run (ratios: machines are shared).
#   A. pkitool issue --batch N, CA key in SoftHSM2        vs  B. the same with the CA key in a file
#   C. sign-string M times, leaf key in SoftHSM2         vs  D. the same with the key in a file
#      (one process each: the signature CreateSession sends, plus process start and token login)
# Usage: bench/token.sh [N] [M]   (defaults 1000, 200). Needs a built pkitool (bash .ci/build).
set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH"
N=${1:-1000}
M=${2:-200}
root=$(cd "$(dirname "$0")/.." && pwd)
pkitool=${PKITOOL:-$root/build/pkitool/pkitool}
[ -x "$pkitool" ] || pkitool=$("$root/.ci/build")
module=/usr/lib/softhsm/libsofthsm2.so
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

now() { date +%s.%N; }
rate() { python3 -c "import sys; n,t=float(sys.argv[1]),float(sys.argv[2]); print(f'{n/t:10.1f} {sys.argv[3]}/s  ({t:.2f} s)')" "$1" "$2" "$3"; }

# A token store of this run only, never the system one.
mkdir tokens
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$work" > softhsm2.conf
export SOFTHSM2_CONF=$work/softhsm2.conf PKITOOL_PIN=1234
softhsm2-util --init-token --free --label bench --pin 1234 --so-pin 12345678 >/dev/null

# Set-up, not timed: a token CA and a file CA, a leaf whose key is in both places.
"$pkitool" -q key new --type ec:p256 --out 'pkcs11:token=bench;object=ca' --pkcs11-lib "$module"
"$pkitool" -q ca init --dir token-ca --key 'pkcs11:token=bench;object=ca' --pkcs11-lib "$module" --subject "CN=Bench Token Root"
"$pkitool" -q ca init --dir file-ca --subject "CN=Bench File Root"
echo "name,subject,san,key_type,days,profile" > fleet.csv
for i in $(seq 1 "$N"); do echo "vm-$i,CN=vm-$i,,,," >> fleet.csv; done
openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out leaf.key
"$pkitool" -q csr new --key leaf.key --subject CN=leaf --out leaf.csr
"$pkitool" -q issue --ca file-ca --csr leaf.csr --out leaf.crt --yes
openssl pkcs8 -nocrypt -in leaf.key -outform DER -out leaf.der
pkcs11-tool --module "$module" --login --pin 1234 --write-object leaf.der --type privkey --id 01 --label leaf >/dev/null
openssl x509 -in leaf.crt -outform DER -out leaf.crt.der
pkcs11-tool --module "$module" --login --pin 1234 --write-object leaf.crt.der --type cert --id 01 --label leaf >/dev/null

echo "Issuing $N EC P-256 certificates, then $M sign-string runs, each way:"
t0=$(now); "$pkitool" -q issue --ca token-ca --pkcs11-lib "$module" --batch fleet.csv --out-dir fleet-token --yes; t1=$(now)
tA=$(python3 -c "print($t1-$t0)")
t0=$(now); "$pkitool" -q issue --ca file-ca --batch fleet.csv --out-dir fleet-file --yes; t1=$(now)
tB=$(python3 -c "print($t1-$t0)")
t0=$(now)
for i in $(seq 1 "$M"); do
  "$pkitool" exchange sign-string --certificate leaf.crt --private-key 'pkcs11:token=bench;object=leaf' --pkcs11-lib "$module" >/dev/null
done
t1=$(now); tC=$(python3 -c "print($t1-$t0)")
t0=$(now)
for i in $(seq 1 "$M"); do "$pkitool" exchange sign-string --certificate leaf.crt --private-key leaf.key >/dev/null; done
t1=$(now); tD=$(python3 -c "print($t1-$t0)")

# Sanity: both CAs' certificates verify (a benchmark of broken output is worthless).
openssl verify -x509_strict -CAfile token-ca/ca.crt fleet-token/vm-1.crt "fleet-token/vm-$N.crt" >/dev/null
openssl verify -x509_strict -CAfile file-ca/ca.crt fleet-file/vm-1.crt >/dev/null
[ "$(ls fleet-token/*.crt | wc -l)" -eq "$N" ]

printf 'A  issue --batch, token CA key   %s\n' "$(rate "$N" "$tA" certs)"
printf 'B  issue --batch, file CA key    %s\n' "$(rate "$N" "$tB" certs)"
printf 'C  sign-string, token leaf key   %s\n' "$(rate "$M" "$tC" runs)"
printf 'D  sign-string, file leaf key    %s\n' "$(rate "$M" "$tD" runs)"
python3 - "$tA" "$tB" "$tC" "$tD" <<'P'
import sys
a, b, c, d = map(float, sys.argv[1:])
print(f"token CA batch costs {a/b:5.2f}x the file CA's time; a token signature run {c/d:5.2f}x a file key's")
P
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
