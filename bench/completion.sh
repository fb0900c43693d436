#!/usr/bin/env bash
# What a Tab costs, side by side in one run: process start (`pkitool --version`), the engine alone
# (`pkitool __complete`) for a command, a fixed value and a profile (the catalog is read), and a
# whole Tab in bash (the script's word gluing and dequoting, plus the engine). Reports ms per call
# and ratios to process start.
# Usage: bench/completion.sh [PKITOOL] [N]     (default build/pkitool/pkitool, 200)
set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH"
here=$(cd "$(dirname "$0")/.." && pwd)
pkitool=$(realpath "${1:-$here/build/pkitool/pkitool}")
n=${2:-200}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
mkdir bin && ln -s "$pkitool" bin/pkitool
"$pkitool" completion bash > script.bash

ms() {  # ms per call of "$@", N calls
  local start end
  start=$(date +%s%N)
  for ((i = 0; i < n; i++)); do "$@" >/dev/null; done
  end=$(date +%s%N)
  echo $(( (end - start) / n / 1000 ))  # microseconds
}
tab() {
  PATH="$work/bin:$PATH" bash -c 'source ./script.bash
for ((i = 0; i < '"$n"'; i++)); do
  COMP_LINE="pkitool issue --key-type ec:p3"; COMP_POINT=${#COMP_LINE}
  COMP_WORDS=(pkitool issue --key-type ec : p3); COMP_CWORD=5; _pkitool
done'
}
base=$(ms "$pkitool" --version)
command=$(ms "$pkitool" __complete -- is)
value=$(ms "$pkitool" __complete -- issue --key-type ec)
profile=$(ms "$pkitool" __complete -- issue --profile r)
start=$(date +%s%N); tab; end=$(date +%s%N); whole=$(( (end - start) / n / 1000 ))
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; $n calls each"
ratio() { awk -v a="$1" -v b="$base" 'BEGIN { printf "%.2f", a / b }'; }
printf '%-42s %8.2f ms  1.00x\n' "pkitool --version (process start)" "$(awk -v u="$base" 'BEGIN{print u/1000}')"
for row in "__complete: a command|$command" "__complete: a fixed value (--key-type)|$value" "__complete: a profile (catalog)|$profile" "a Tab in bash (script + engine)|$whole"; do
  printf '%-42s %8.2f ms  %sx\n' "${row%%|*}" "$(awk -v u="${row##*|}" 'BEGIN{print u/1000}')" "$(ratio "${row##*|}")"
done
