#!/bin/bash
# Speed and memory of `dialbook validate` (issue "dialbook CLI and
# libdialbook"), printed next to the goals: one thread >= 500 MB/s, >= 40x
# faster than a pandas script doing the same checks in the same run, and
# peak resident memory < 16 MiB for a ~115 MB and a ~1 GB file alike.
# Usage: bench/validate.sh        BIG_ROWS=0 bench/validate.sh (skip the 1 GB file)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-1000000}
BIG_ROWS=${BIG_ROWS:-8500000}
RUNS=${RUNS:-5}

scripts/install-deps bench
make build >/dev/null

work=$(mktemp -d /tmp/dialbook-validate.XXXXXX)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/gen" bench/gen_contacts.c
cat >"$work/list.json" <<'JSON'
{"name": "bench", "columnDefinitions": [
  {"name": "contact_id", "required": true}, {"name": "full_name"},
  {"name": "home_phone", "type": "phone"}, {"name": "cell_phone", "type": "phone"},
  {"name": "email", "type": "email"}, {"name": "zip"}, {"name": "city"},
  {"name": "balance", "type": "numeric"}, {"name": "last_contacted", "type": "timestamp"},
  {"name": "status"}]}
JSON

mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
# Best of $RUNS runs: seconds and peak RSS (KiB) of `dialbook validate FILE`.
measure_validate() {
	local best=999999 rss=0 s k
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -f "%e %M" -o "$work/time" \
			./build/dialbook validate --list "$work/list.json" "$1" >"$work/out"
		read -r s k <"$work/time"
		best=$(awk -v a="$s" -v b="$best" 'BEGIN { print (a < b) ? a : b }')
		[ "$k" -gt "$rss" ] && rss=$k
	done
	tail -1 "$work/out" >&2
	echo "$best $rss"
}

echo "== generating $ROWS rows"
"$work/gen" "$ROWS" >"$work/contacts.csv"
bytes=$(stat -c %s "$work/contacts.csv")
read -r v_s v_rss < <(measure_validate "$work/contacts.csv")

echo "== pandas on the same file"
/usr/bin/time -f "%e %M" -o "$work/ptime" /usr/bin/python3 bench/pandas_validate.py \
	"$work/contacts.csv" >&2
read -r p_s p_rss <"$work/ptime"

big_line="(skipped: BIG_ROWS=0)"
if [ "$BIG_ROWS" -gt 0 ]; then
	echo "== generating $BIG_ROWS rows"
	"$work/gen" "$BIG_ROWS" >"$work/big.csv"
	big_bytes=$(stat -c %s "$work/big.csv")
	RUNS=1 read -r b_s b_rss < <(RUNS=1 measure_validate "$work/big.csv")
	big_line="$(mb "$big_bytes") MB: $(awk -v b="$big_bytes" -v s="$b_s" 'BEGIN { printf "%.0f", b / s / 1e6 }') MB/s, peak RSS $((b_rss / 1024)) MiB"
	rm -f "$work/big.csv"
fi

echo
echo "== results (this machine: $(nproc) cores; dialbook validate uses one thread)"
printf '%-40s %-40s %s\n' "measure" "figure" "goal"
printf '%-40s %-40s %s\n' "dialbook validate, $(mb "$bytes") MB, best of $RUNS" \
	"${v_s}s, $(awk -v b="$bytes" -v s="$v_s" 'BEGIN { printf "%.0f", b / s / 1e6 }') MB/s" \
	">= 500 MB/s"
printf '%-40s %-40s %s\n' "pandas, same checks, same file" "${p_s}s, peak RSS $((p_rss / 1024)) MiB" "-"
printf '%-40s %-40s %s\n' "speed-up over pandas" \
	"$(awk -v a="$p_s" -v b="$v_s" 'BEGIN { printf "%.0fx", a / b }')" ">= 40x"
printf '%-40s %-40s %s\n' "peak RSS, $(mb "$bytes") MB file" "$((v_rss / 1024)) MiB" "< 16 MiB"
printf '%-40s %-40s %s\n' "peak RSS, large file" "$big_line" "< 16 MiB"
