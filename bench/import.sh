#!/bin/bash
# Speed and memory of dialbookd's contact paths, printed as figures next to
# their goals (issue "Contacts, streaming CSV import and export"):
#   import of a 1,000,000-row CSV through POST /uploads/v2/contactlist, timed
#   from the first byte of the upload to the end of the import, beside the
#   sqlite3 shell's .import of the same file into a plain table (the floor:
#   no validation, no index); export; adding contacts through the API in
#   1,000-contact calls over 4 connections (wrk); dialbookd's resident
#   memory during imports of 1 M and 5 M rows.
# Usage: bench/import.sh            ROWS=200000 BIG_ROWS=0 bench/import.sh (quick)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-1000000}
BIG_ROWS=${BIG_ROWS:-5000000}
ADD_SECONDS=${ADD_SECONDS:-10}

scripts/install-deps bench
make build >/dev/null

work=$(mktemp -d /tmp/dialbook-bench.XXXXXX)
server_pid=""
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$server_pid/status"; }

# Samples dialbookd's resident memory every 50 ms into $1 until killed.
sample_rss() {
	local peak=0 cur
	while kill -0 "$server_pid" 2>/dev/null; do
		cur=$(rss_kib || echo 0)
		[ "${cur:-0}" -gt "$peak" ] && peak=$cur && echo "$peak" >"$1"
		sleep 0.05
	done
}

echo "== generating $ROWS rows"
cc -O2 -o "$work/gen" bench/gen_contacts.c
"$work/gen" "$ROWS" >"$work/contacts.csv"
bytes=$(stat -c %s "$work/contacts.csv")
echo "file: $(awk -v b="$bytes" 'BEGIN { printf "%.1f MB", b / 1e6 }'), 10 columns"

./build/dialbookd --listen 127.0.0.1:0 --db "$work/dialbook.db" --rate-limit 0 \
	--max-contacts-per-list 100000000 --max-contacts-per-org 1000000000 \
	--dev-client-file "$work/dev.env" >"$work/stdout" 2>"$work/log" &
server_pid=$!
for _ in $(seq 100); do grep -q "event=listening" "$work/log" && break; sleep 0.05; done
base="http://127.0.0.1:$(grep -o 'event=listening.*port=[0-9]*' "$work/log" | grep -o '[0-9]*$')"
. "$work/dev.env"
token=$(curl -sf -u "$DIALBOOK_CLIENT_ID:$DIALBOOK_CLIENT_SECRET" -d grant_type=client_credentials \
	"$base/oauth/token" | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
auth="Authorization: Bearer $token"

new_list() {
	curl -sf -H "$auth" -H 'Content-Type: application/json' "$base/api/v2/outbound/contactlists" -d '{
	  "name": "'"$1"'", "columnDefinitions": [
	  {"name": "contact_id"}, {"name": "full_name"}, {"name": "home_phone", "type": "phone"},
	  {"name": "cell_phone", "type": "phone"}, {"name": "email", "type": "email"},
	  {"name": "zip"}, {"name": "city"}, {"name": "balance", "type": "numeric"},
	  {"name": "last_contacted", "type": "timestamp"}, {"name": "status"}]}' |
		sed 's/^{"id":"\([^"]*\)".*/\1/'
}

# Imports $2 into list $1; prints "seconds peak_rss_growth_kib".
import_file() {
	local list=$1 file=$2 before peak start end
	before=$(rss_kib)
	echo "$before" >"$work/peak"
	sample_rss "$work/peak" &
	local sampler=$!
	start=$(now)
	curl -sf -H "$auth" -F "id=$list" -F fileType=contactlist -F contact-id-name=contact_id \
		-F "file=@$file" "$base/uploads/v2/contactlist" >/dev/null
	while curl -sf -H "$auth" "$base/api/v2/outbound/contactlists/$list/importstatus" |
		grep -q IN_PROGRESS; do sleep 0.02; done
	end=$(now)
	kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
	local status
	status=$(curl -sf -H "$auth" "$base/api/v2/outbound/contactlists/$list/importstatus")
	case "$status" in *'"state"'*) echo "import failed: $status" >&2; exit 1 ;; esac
	echo "$(elapsed "$start" "$end") $(($(cat "$work/peak") - before)) $before"
}

echo "== sqlite3 .import of the same file (plain table, no validation, no index)"
start=$(now)
sqlite3 "$work/plain.db" -cmd ".mode csv" ".import $work/contacts.csv contacts"
floor=$(elapsed "$start" "$(now)")

echo "== dialbookd import ($ROWS rows)"
list=$(new_list "bench import")
read -r import_s import_rss base_rss < <(import_file "$list" "$work/contacts.csv")

echo "== export"
start=$(now)
curl -sf -X POST -H "$auth" "$base/api/v2/outbound/contactlists/$list/export" >/dev/null
until curl -sf -o /dev/null -H "$auth" "$base/api/v2/outbound/contactlists/$list/export"; do
	sleep 0.02
done
export_s=$(elapsed "$start" "$(now)")
uri=$(curl -sf -H "$auth" "$base/api/v2/outbound/contactlists/$list/export" |
	sed 's/.*"uri":"\([^"]*\)".*/\1/')
exported=$(($(curl -sf -H "$auth" "$uri" | wc -l) - 1))

echo "== API adds: 1,000-contact calls over 4 connections for ${ADD_SECONDS}s"
add_list=$(new_list "bench api")
/usr/bin/python3 - "$add_list" >"$work/body.json" <<'PY'
import json, sys
print(json.dumps([{"contactListId": sys.argv[1], "data": {
    "full_name": f"Doe, Jane {i}", "home_phone": "+15551234567", "cell_phone": "(555) 123-4567",
    "email": f"jane{i}@example.com", "zip": "02134", "city": "Zürich", "balance": "12.50",
    "last_contacted": "2024-05-31T09:30:00Z", "status": "active"}} for i in range(1000)]))
PY
DIALBOOK_TOKEN=$token DIALBOOK_BODY=$work/body.json wrk -t4 -c4 -d"${ADD_SECONDS}s" \
	-s bench/api.lua "$base/api/v2/outbound/contactlists/$add_list/contacts" >"$work/wrk.txt"
grep -E "Requests/sec|non-2xx" "$work/wrk.txt"
added=$(curl -sf -H "$auth" "$base/api/v2/outbound/contactlists/$add_list?includeSize=true" |
	sed 's/.*"size":\([0-9]*\).*/\1/')
non2xx=$(sed -n 's/^wrk: .* \([0-9]*\) non-2xx.*/\1/p' "$work/wrk.txt")

big_line="(skipped: BIG_ROWS=0)"
if [ "$BIG_ROWS" -gt 0 ]; then
	echo "== dialbookd import ($BIG_ROWS rows), for memory"
	"$work/gen" "$BIG_ROWS" >"$work/big.csv"
	big_bytes=$(stat -c %s "$work/big.csv")
	big_list=$(new_list "bench big")
	read -r big_s big_rss _ < <(import_file "$big_list" "$work/big.csv")
	rm -f "$work/big.csv"
	big_line="$(awk -v b="$big_bytes" 'BEGIN { printf "%.0f MB", b / 1e6 }') file: $(rate "$BIG_ROWS" "$big_s") rows/s, RSS +$((big_rss / 1024)) MiB"
fi

echo
echo "== results (this machine: $(nproc) cores)"
printf '%-44s %-32s %s\n' "measure" "figure" "goal"
printf '%-44s %-32s %s\n' "sqlite3 .import (floor)" "${floor}s, $(rate "$ROWS" "$floor") rows/s" "-"
printf '%-44s %-32s %s\n' "dialbookd import, upload to done" \
	"${import_s}s, $(rate "$ROWS" "$import_s") rows/s" "<= 1.5x floor, >= 250000 rows/s"
printf '%-44s %-32s %s\n' "  ratio to the floor" \
	"$(awk -v a="$import_s" -v b="$floor" 'BEGIN { printf "%.2fx", a / b }')" "<= 1.50x"
printf '%-44s %-32s %s\n' "export ($exported rows, POST to ready)" \
	"${export_s}s, $(rate "$exported" "$export_s") rows/s" ">= 500000 rows/s"
printf '%-44s %-32s %s\n' "API adds, 1000/call, 4 connections" \
	"$(rate "$added" "$ADD_SECONDS") contacts/s ($non2xx non-2xx)" ">= 100000 contacts/s"
printf '%-44s %-32s %s\n' "RSS growth during the $ROWS-row import" \
	"+$((import_rss / 1024)) MiB (from $((base_rss / 1024)) MiB)" "< 64 MiB"
printf '%-44s %-32s %s\n' "RSS growth during the $BIG_ROWS-row import" "$big_line" \
	"< 64 MiB, not growing with file size"
