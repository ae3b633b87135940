#!/bin/bash
# Speed and memory of `dialbook validate` on every realistic shape of
# contact file (issue 14): bench/gen_contacts.c writes each shape (full,
# sparse, quoted, intl, phones, wide, narrow) at about SIZE_MB; each is
# validated by dialbook (best of RUNS) and by a pandas script doing the same
# checks (bench/pandas_validate.py), in the same run. Printed per shape next
# to the goals: one thread >= 800 MB/s, >= 60x pandas, peak resident memory
# < 16 MiB (also for a ~1 GB file: BIG_ROWS of the full shape). MB/s is
# wall time; "CPU MB/s" divides by user + system time, steadier when other
# work shares the machine.
# Usage: bench/validate.sh     SIZE_MB=20 RUNS=1 BIG_ROWS=0 bench/validate.sh (quick)
#        SHAPES="full narrow" bench/validate.sh     DIALBOOK=path/to/dialbook (no build)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${SIZE_MB:-115}
BIG_ROWS=${BIG_ROWS:-8500000}
RUNS=${RUNS:-3}
SHAPES=${SHAPES:-full sparse quoted intl phones wide narrow}

if [ -z "${DIALBOOK:-}" ]; then
	scripts/install-deps bench
	make build >/dev/null
	DIALBOOK=./build/dialbook
fi

work=$(mktemp -d /tmp/dialbook-validate.XXXXXX)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/gen" bench/gen_contacts.c

mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
# Best of $RUNS runs of `dialbook validate LIST FILE`: wall seconds, CPU
# seconds (user + system) of that run, and the peak RSS (KiB) of all.
measure_validate() {
	local best=999999 cpu=0 rss=0 s u y k
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -f "%e %U %S %M" -o "$work/time" \
			"$DIALBOOK" validate --list "$1" "$2" >"$work/out" || true
		read -r s u y k <"$work/time"
		if awk -v a="$s" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$s
			cpu=$(awk -v u="$u" -v y="$y" 'BEGIN { print u + y }')
		fi
		[ "$k" -gt "$rss" ] && rss=$k
	done
	tail -1 "$work/out" >&2
	echo "$best $cpu $rss"
}
rate() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0) ? b / s / 1e6 : 0 }'; }

results=()
for shape in $SHAPES; do
	"$work/gen" "$shape" --list >"$work/$shape.json"
	# Rows for about SIZE_MB: the size of a sample, scaled.
	sample=$("$work/gen" "$shape" 10000 | wc -c)
	rows=$(awk -v m="$SIZE_MB" -v s="$sample" 'BEGIN { printf "%d", m * 1e6 * 10000 / s }')
	echo "== $shape: $rows rows"
	"$work/gen" "$shape" "$rows" >"$work/$shape.csv"
	bytes=$(stat -c %s "$work/$shape.csv")
	read -r v_s v_cpu v_rss < <(measure_validate "$work/$shape.json" "$work/$shape.csv")
	/usr/bin/time -f "%e %M" -o "$work/ptime" /usr/bin/python3 bench/pandas_validate.py \
		"$work/$shape.json" "$work/$shape.csv" >&2
	read -r p_s _ <"$work/ptime"
	results+=("$(printf '%-8s %7s %8s %9s %9s %8s %7s %9s' "$shape" "$(mb "$bytes")" \
		"${v_s}s" "$(rate "$bytes" "$v_s")" "$(rate "$bytes" "$v_cpu")" "${p_s}s" \
		"$(awk -v a="$p_s" -v b="$v_s" 'BEGIN { printf "%.0fx", a / b }')" \
		"$((v_rss / 1024)) MiB")")
	rm -f "$work/$shape.csv"
done

big_line="(skipped: BIG_ROWS=0)"
if [ "$BIG_ROWS" -gt 0 ]; then
	echo "== full: $BIG_ROWS rows, for memory"
	"$work/gen" full --list >"$work/big.json"
	"$work/gen" full "$BIG_ROWS" >"$work/big.csv"
	big_bytes=$(stat -c %s "$work/big.csv")
	read -r b_s _ b_rss < <(RUNS=1 measure_validate "$work/big.json" "$work/big.csv")
	big_line="$(mb "$big_bytes") MB: $(rate "$big_bytes" "$b_s") MB/s, peak RSS $((b_rss / 1024)) MiB"
	rm -f "$work/big.csv"
fi

echo
echo "== results (this machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); dialbook validate uses one thread)"
printf '%-8s %7s %8s %9s %9s %8s %7s %9s\n' shape MB dialbook "MB/s" "CPU MB/s" pandas "vs pd" "peak RSS"
printf '%-8s %7s %8s %9s %9s %8s %7s %9s\n' goal "" "" ">= 800" "" "" ">= 60x" "< 16 MiB"
printf '%s\n' "${results[@]}"
printf 'peak RSS, large file: %s (goal < 16 MiB)\n' "$big_line"
