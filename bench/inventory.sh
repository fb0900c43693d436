#!/usr/bin/env bash
# The inventory at a million rows (issue #13): this build against a baseline build, side by side
# in one run, on the same synthetic CA.
#
#   bench/inventory.sh [BUILD_DIR] [BASELINE_BUILD_DIR]        env: ROWS (1000000), RUNS (11), ISSUES (15)
#
# BASELINE_BUILD_DIR defaults to /tmp/pkitool-baseline-02d29b0/build: main before this work, a
# `git worktree` of 02d29b0 whose pkitool is built there (once) when missing.
# One CA is made by the baseline, and ROWS rows go straight into its pkitool.db with sqlite3 in
# one transaction (not ROWS `issue` runs): the DER of a real pkitool certificate in each (realistic
# size), one-year and 90-day certificates issued evenly over 8 years, every 20th revoked, so that
# about 10,000 expire in the next 30 days. A copy is opened by this build, which migrates it (timed).
# Each command then runs RUNS times per build, the builds alternating run by run; medians of wall
# and CPU time (the child's user + system) are printed. The machine is shared: read the ratios and
# the CPU times, and the load average printed with them. Needs ~3 GB in $TMPDIR.
# (hyperfine times one command after another; alternating the builds needs this small harness.)
set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH"  # Debian's python3 and sqlite3 first (issue #16)
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/synthetic_rows.sh"
build=$(realpath "${1:-$root/build}")
baseline_rev=02d29b0
base=${2:-/tmp/pkitool-baseline-$baseline_rev/build}
rows=${ROWS:-1000000}
runs=${RUNS:-11}
issues=${ISSUES:-15}
new=$build/pkitool/pkitool
old=$base/pkitool/pkitool
[ -x "$new" ] || { echo "bench: no $new; build it first (ninja -C build pkitool)" >&2; exit 1; }
if [ ! -x "$old" ]; then
  tree=$(dirname "$base")
  [ -d "$tree" ] || git -C "$root" worktree add --detach "$tree" "$baseline_rev" >&2
  cmake -S "$tree" -B "$base" -G Ninja -DPKITOOL_TESTS=OFF >&2
  cmake --build "$base" -j 2 --target pkitool >&2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# The baseline's CA and one real certificate, whose DER every synthetic row carries.
"$old" -q ca init --dir old --subject "CN=Bench Inventory CA,O=Example Corp"
"$old" -q issue --ca old --subject "CN=host-0000000.fleet.example,O=Example Corp" --san dns:host-0000000.fleet.example \
  --out real.crt --key-out real.key --yes
openssl x509 -in real.crt -outform DER -out real.der
now=$(date +%s)
t0=$(date +%s.%N)
synthetic_rows old/pkitool.db "$rows" "$now" real.der
t1=$(date +%s.%N)
cp -a old new
t2=$(date +%s.%N)
"$new" -q ca show --ca new >/dev/null  # the first open migrates the inventory
t3=$(date +%s.%N)
"$old" -q ca init --dir old-empty --subject "CN=Bench Empty CA"
"$new" -q ca init --dir new-empty --subject "CN=Bench Empty CA"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout vm.key -subj "/CN=vm-bench" -out vm.csr 2>/dev/null
serial=$(sqlite3 old/pkitool.db "SELECT serial FROM certificates WHERE id = $((rows / 2))")
der_bytes=$(stat -c %s real.der)
old_size=$(stat -c %s old/pkitool.db)
new_size=$(stat -c %s new/pkitool.db)

echo "== inventory with $rows rows, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
echo "   baseline: $old ($baseline_rev)"
echo "   this:     $new ($(git -C "$root" log -1 --format=%h 2>/dev/null || echo '?'))"
python3 - "$t0" "$t1" "$t2" "$t3" "$rows" "$old_size" "$new_size" "$der_bytes" <<'P'
import sys
t0, t1, t2, t3 = map(float, sys.argv[1:5])
rows, old, new, der = map(int, sys.argv[5:])
print(f"   {rows:,} rows inserted with sqlite3 in {t1 - t0:.1f} s; first open by this build (migration) {t3 - t2:.1f} s, once")
print(f"   pkitool.db: baseline {old / 2**20:,.0f} MiB = {old / rows:,.0f} bytes per certificate; this build {new / 2**20:,.0f} MiB = {new / rows:,.0f} bytes per certificate (DER {der} bytes)")
P

# Times each command RUNS times per build, alternating builds; "issue" also on an empty CA.
python3 - "$old" "$new" "$runs" "$issues" "$serial" "$rows" <<'P'
import json, resource, statistics, subprocess, sys, time

old, new, runs, issues, serial, rows = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], int(sys.argv[6])

def once(argv):
    start = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = p.communicate()
    wall = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(argv)} exited {p.returncode}: {err.decode().strip()}")
    return wall, out

def measure(cases, n):
    """cases: {label: argv}; each run goes through every case once, in turn."""
    wall = {k: [] for k in cases}
    cpu = {k: [] for k in cases}
    outs = {}
    for _ in range(n):
        for k, argv in cases.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            w, out = once(argv)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            wall[k].append(w)
            cpu[k].append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
            outs[k] = out
    med = lambda xs: statistics.median(xs) * 1000
    return {k: (med(wall[k]), med(cpu[k])) for k in cases}, outs

queries = [
    ("db list --expiring 30d", ["db", "list", "--ca", "{ca}", "--expiring", "30d"], 100),
    ("db list --expiring 30d --json", ["db", "list", "--ca", "{ca}", "--expiring", "30d", "--json"], 100),
    ("db list --subject host-042424", ["db", "list", "--ca", "{ca}", "--subject", "host-042424"], 200),
    ("ca show", ["ca", "show", "--ca", "{ca}"], 50),
    ("db show SERIAL", ["db", "show", "--ca", "{ca}", serial], None),
]
cases = {}
for label, args, _ in queries:
    for build, binary, ca in (("old", old, "old"), ("new", new, "new")):
        cases[(label, build)] = [binary] + [a.format(ca=ca) for a in args]
times, outs = measure(cases, runs)
print(f"\n{'median of ' + str(runs) + ' runs, ms (CPU ms)':<34} {'baseline':>18} {'this build':>18} {'ratio':>8}  target")
for label, _, target in queries:
    (ow, oc), (nw, nc) = times[(label, "old")], times[(label, "new")]
    verdict = "" if target is None else f"<= {target} ms: " + ("met" if nw <= target else "MISSED")
    print(f"{label:<34} {ow:9.1f} ({oc:6.1f}) {nw:9.1f} ({nc:6.1f}) {ow / nw:7.1f}x  {verdict}")
# The same answers from both builds (a run is a second or so apart: a row may cross "now").
matches = json.loads(outs[("db list --expiring 30d --json", "new")])["count"]
same = {label: outs[(label, "old")] == outs[(label, "new")] for label, _, _ in queries}
print(f"\nmatches of --expiring 30d: {matches:,}; identical output from both builds: " +
      ", ".join(f"{label}: {'yes' if ok else 'NO'}" for label, ok in same.items()))

# issue, one process per CSR: the million-row CA against an empty one, each build.
cases = {}
for build, binary in (("old", old), ("new", new)):
    for ca in ("", "-empty"):
        cases[(build, ca)] = [binary, "-q", "issue", "--ca", build + ca, "--csr", "vm.csr", "--out", f"vm-{build}{ca}.crt", "--force", "--yes"]
times, _ = measure(cases, issues)
print(f"\nissue --csr, one process each, median of {issues} (ms, CPU ms): empty CA -> {rows:,}-row CA")
for build, name in (("old", "baseline"), ("new", "this build")):
    (ew, ec), (fw, fc) = times[(build, "-empty")], times[(build, "")]
    print(f"  {name:<11} {ew:6.1f} ({ec:5.1f}) -> {fw:6.1f} ({fc:5.1f})   {100 * (fw / ew - 1):+5.1f} % wall, {100 * (fc / ec - 1):+5.1f} % CPU"
          + ("   target within 10 %: " + ("met" if fw <= ew * 1.10 else "MISSED") if build == "new" else ""))
P
# renew --due --dry-run (issue #13): the selection only; this build alone (the baseline has no renew).
python3 - "$new" "$runs" <<'P'
import resource, statistics, subprocess, sys, time
new, runs = sys.argv[1], int(sys.argv[2])
walls, cpus, count = [], [], 0
for _ in range(runs):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    p = subprocess.run([new, "-q", "renew", "--ca", "new", "--due", "--dry-run"], capture_output=True)
    walls.append(time.perf_counter() - start)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    if p.returncode != 0:
        sys.exit(f"bench: renew --due --dry-run exited {p.returncode}: {p.stderr.decode().strip()}")
    count = p.stdout.count(b"\n")
wall, cpu = statistics.median(walls) * 1000, statistics.median(cpus) * 1000
print(f"\nrenew --due --dry-run ({count:,} due), median of {runs}: {wall:.1f} ms ({cpu:.1f} CPU ms)  <= 200 ms: " + ("met" if wall <= 200 else "MISSED"))
P
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
