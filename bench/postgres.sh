#!/usr/bin/env bash
# The inventory on PostgreSQL vs SQLite (issue #14), side by side in one run (ratios: machines are
# shared). Both with their durable settings: SQLite synchronous=FULL (pkitool's), PostgreSQL fsync
# and synchronous_commit on (the server's defaults; the test server turns them off).
#   A. M single `issue` processes                      SQLite CA  vs  PostgreSQL CA
#   B. one `issue --batch` of N rows                   SQLite CA  vs  PostgreSQL CA
#   C. 8 concurrent `issue --batch` of K rows each     one SQLite CA  vs  two directories of one
#      PostgreSQL CA (4 processes each): aggregate certificates/s
#   D. ROWS synthetic rows (as bench/inventory.sh makes them) moved with `db migrate` (timed), then
#      `db list --expiring 30d` RUNS times on each, median wall time
# Usage: bench/postgres.sh [N] [M] [K]   (defaults 2000, 30, 250); env ROWS (1000000), RUNS (7).
set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH"
N=${1:-2000}
M=${2:-30}
K=${3:-250}
rows=${ROWS:-1000000}
runs=${RUNS:-7}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/synthetic_rows.sh"
pkitool=${PKITOOL:-$root/build/pkitool/pkitool}
[ -x "$pkitool" ] || pkitool=$("$root/.ci/build")
work=$(mktemp -d)
chmod 0755 "$work"
pg=$work/pg
cleanup() { "$root/.ci/postgres" stop "$pg" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"
admin=$("$root/.ci/postgres" start "$pg")
psql() { /usr/lib/postgresql/15/bin/psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
# Durable, as a production server runs: the test server's fsync=off would flatter PostgreSQL.
psql "$admin" -c "ALTER SYSTEM SET fsync = on" -c "ALTER SYSTEM SET synchronous_commit = on" -c "ALTER SYSTEM SET full_page_writes = on" \
  -c "SELECT pg_reload_conf()" >/dev/null
url() { echo "${admin/\/postgres\?//$1?}"; }
case "$admin" in */postgres\?*) ;; *) echo "bench: unexpected admin URL $admin" >&2; exit 1 ;; esac
for db in single batch busy big; do psql "$admin" -c "CREATE DATABASE $db" >/dev/null; done

now() { date +%s.%N; }
since() { python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$1" "$(now)"; }
rate() { python3 -c "import sys; n,t=float(sys.argv[1]),float(sys.argv[2]); print(f'{n/t:10.1f} {sys.argv[3]}/s  ({t:.2f} s)')" "$1" "$2" "$3"; }
fleet() {  # fleet FILE COUNT PREFIX
  echo "name,subject,san,key_type,days,profile" > "$1"
  for i in $(seq 1 "$2"); do echo "$3-$i,CN=$3-$i,,,," >> "$1"; done
}

"$pkitool" -q ca init --dir sqlite-single --subject "CN=Bench SQLite"
"$pkitool" -q ca init --dir pg-single --subject "CN=Bench PostgreSQL" --db "$(url single)"
echo "A: $M single issue processes each way"
t0=$(now); for i in $(seq 1 "$M"); do "$pkitool" -q issue --ca sqlite-single --subject "CN=s$i" --out "s$i.crt" --key-out "s$i.key" --yes; done; tA1=$(since "$t0")
t0=$(now); for i in $(seq 1 "$M"); do "$pkitool" -q issue --ca pg-single --subject "CN=p$i" --out "p$i.crt" --key-out "p$i.key" --yes; done; tA2=$(since "$t0")

echo "B: issue --batch of $N rows each way"
fleet fleet.csv "$N" vm
"$pkitool" -q ca init --dir sqlite-batch --subject "CN=Bench SQLite Batch"
"$pkitool" -q ca init --dir pg-batch --subject "CN=Bench PostgreSQL Batch" --db "$(url batch)"
t0=$(now); "$pkitool" -q issue --ca sqlite-batch --batch fleet.csv --out-dir out-sqlite --yes; tB1=$(since "$t0")
t0=$(now); "$pkitool" -q issue --ca pg-batch --batch fleet.csv --out-dir out-pg --yes; tB2=$(since "$t0")

echo "C: 8 concurrent batches of $K rows: one SQLite CA, then two directories of one PostgreSQL CA"
"$pkitool" -q ca init --dir sqlite-busy --subject "CN=Bench SQLite Busy"
"$pkitool" -q ca init --dir pg-busy1 --subject "CN=Bench PostgreSQL Busy" --db "$(url busy)"
"$pkitool" -q ca attach --dir pg-busy2 --cert pg-busy1/ca.crt --key pg-busy1/private/ca.key --db "$(url busy)"
for p in $(seq 1 8); do fleet "busy$p.csv" "$K" "p$p"; done
t0=$(now)
for p in $(seq 1 8); do "$pkitool" -q issue --ca sqlite-busy --batch "busy$p.csv" --out-dir "busy-sqlite-$p" --yes & done
wait
tC1=$(since "$t0")
t0=$(now)
for p in $(seq 1 8); do "$pkitool" -q issue --ca "pg-busy$(( p % 2 + 1 ))" --batch "busy$p.csv" --out-dir "busy-pg-$p" --yes & done
wait
tC2=$(since "$t0")

# Sanity: every certificate is there once and verifies (a benchmark of broken output is worthless).
[ "$(psql "$(url batch)" -c 'SELECT count(DISTINCT serial) FROM certificates')" -eq "$N" ]
[ "$(psql "$(url busy)" -c 'SELECT count(DISTINCT serial) FROM certificates')" -eq $((8 * K)) ]
[ "$(sqlite3 sqlite-busy/pkitool.db 'SELECT count(DISTINCT serial) FROM certificates')" -eq $((8 * K)) ]
openssl verify -x509_strict -CAfile pg-batch/ca.crt out-pg/vm-1.crt "out-pg/vm-$N.crt" >/dev/null
openssl verify -x509_strict -CAfile pg-busy1/ca.crt busy-pg-1/p1-1.crt busy-pg-2/p2-1.crt >/dev/null

echo "D: $rows rows, moved to PostgreSQL with db migrate, then db list --expiring 30d ($runs runs each)"
"$pkitool" -q ca init --dir big-sqlite --subject "CN=Bench Inventory CA,O=Example Corp"
"$pkitool" -q issue --ca big-sqlite --subject "CN=host-0000000.fleet.example,O=Example Corp" --san dns:host-0000000.fleet.example \
  --out real.crt --key-out real.key --yes
openssl x509 -in real.crt -outform DER -out real.der
stamp=$(date +%s)
synthetic_rows big-sqlite/pkitool.db "$rows" "$stamp" real.der
cp -r big-sqlite big-pg
t0=$(now); "$pkitool" -q db migrate --ca big-pg --to "$(url big)"; tM=$(since "$t0")
psql "$(url big)" -c "ANALYZE" >/dev/null
median() { python3 -c "import sys, statistics; print(f'{statistics.median(map(float, sys.argv[1:])) * 1000:7.0f} ms')" "$@"; }
lite=() post=()
for i in $(seq 1 "$runs"); do
  t0=$(now); "$pkitool" db list --ca big-sqlite --expiring 30d > list-sqlite.txt; lite+=("$(since "$t0")")
  t0=$(now); "$pkitool" db list --ca big-pg --expiring 30d > list-pg.txt; post+=("$(since "$t0")")
done
cmp -s list-sqlite.txt list-pg.txt || { echo "bench: the two listings differ" >&2; exit 1; }

printf 'A  issue, SQLite CA             %s\n' "$(rate "$M" "$tA1" runs)"
printf 'A  issue, PostgreSQL CA         %s\n' "$(rate "$M" "$tA2" runs)"
printf 'B  issue --batch, SQLite        %s\n' "$(rate "$N" "$tB1" certs)"
printf 'B  issue --batch, PostgreSQL    %s\n' "$(rate "$N" "$tB2" certs)"
printf 'C  8 x batch, one SQLite CA     %s\n' "$(rate $((8 * K)) "$tC1" certs)"
printf 'C  8 x batch, PostgreSQL, 2 dirs %s\n' "$(rate $((8 * K)) "$tC2" certs)"
printf 'D  db migrate of %s rows     %s\n' "$rows" "$(rate "$rows" "$tM" rows)"
printf 'D  db list --expiring 30d (%s rows listed): SQLite %s, PostgreSQL %s\n' "$(wc -l < list-pg.txt)" "$(median "${lite[@]}")" "$(median "${post[@]}")"
python3 - "$tA1" "$tA2" "$tB1" "$tB2" "$tC1" "$tC2" <<'P'
import sys
a1, a2, b1, b2, c1, c2 = map(float, sys.argv[1:])
print(f"PostgreSQL/SQLite time: single issue {a2/a1:5.2f}x, batch {b2/b1:5.2f}x, 8 concurrent batches {c2/c1:5.2f}x")
P
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
