#!/bin/bash
# dialbook on PostgreSQL, printed as figures next to their goals (issue
# "Past one machine"), all in one run on a cluster of scripts/cluster:
#   import of the 1,000,000-row bench file through POST /uploads/v2/contactlist
#   into PostgreSQL, beside `psql \copy` of the same file into a plain table
#   (the floor: no validation, no index);
#   GET of one list through one server on PostgreSQL, beside the same on
#   SQLite (wrk);
#   API adds in 1,000-contact calls over 4 connections (wrk);
#   the same GET through haproxy with 1 and with 3 servers;
#   each server's resident memory during the import.
# Usage: bench/postgres.sh          ROWS=200000 bench/postgres.sh (quick)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-1000000}
SECONDS_EACH=${SECONDS_EACH:-10}
PORT=${PORT:-18090}

scripts/install-deps bench
make build >/dev/null

work=$(mktemp -d /tmp/dialbook-bench-pg.XXXXXX)
cluster=""
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	[ -n "$cluster" ] && scripts/cluster stop "$cluster"
	rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
port_of() { grep -o 'event=listening.*port=[0-9]*' "$1" | grep -o '[0-9]*$'; }

echo "== cluster: PostgreSQL, 3 dialbookd, haproxy on $PORT"
limits=(--rate-limit 0 --max-contacts-per-list 100000000 --max-contacts-per-org 1000000000)
read -r line < <(scripts/cluster start --servers 3 --port "$PORT" -- "${limits[@]}")
eval "$line" # BASE PGURI DIR
cluster=$DIR
one="http://127.0.0.1:$(port_of "$DIR/dialbookd-1.log")"
. "$DIR/dev-client.env"
token_of() {
	curl -sf -u "$DIALBOOK_CLIENT_ID:$DIALBOOK_CLIENT_SECRET" -d grant_type=client_credentials \
		"$1/oauth/token" | sed 's/.*"access_token":"\([^"]*\)".*/\1/'
}
token=$(token_of "$one")
auth="Authorization: Bearer $token"
servers=$(cat "$DIR"/dialbookd-*.pid)

new_list() { # base name
	curl -sf -H "$auth" -H 'Content-Type: application/json' "$1/api/v2/outbound/contactlists" -d '{
	  "name": "'"$2"'", "columnDefinitions": [
	  {"name": "contact_id"}, {"name": "full_name"}, {"name": "home_phone", "type": "phone"},
	  {"name": "cell_phone", "type": "phone"}, {"name": "email", "type": "email"},
	  {"name": "zip"}, {"name": "city"}, {"name": "balance", "type": "numeric"},
	  {"name": "last_contacted", "type": "timestamp"}, {"name": "status"}]}' |
		sed 's/^{"id":"\([^"]*\)".*/\1/'
}

echo "== generating $ROWS rows"
cc -O2 -o "$work/gen" bench/gen_contacts.c
"$work/gen" "$ROWS" >"$work/contacts.csv"

echo "== psql \\copy of the same file (plain table, no validation, no index)"
psql -q "$PGURI" -c "CREATE TABLE plain (contact_id text, full_name text, home_phone text,
	cell_phone text, email text, zip text, city text, balance text, last_contacted text,
	status text)"
start=$(now)
psql -q "$PGURI" -c "\\copy plain FROM '$work/contacts.csv' WITH (FORMAT csv, HEADER true)"
floor=$(elapsed "$start" "$(now)")

echo "== dialbookd import ($ROWS rows) through server 1; any server may run it"
declare -A before peak
for p in $servers; do before[$p]=$(rss_kib "$p"); peak[$p]=${before[$p]}; done
list=$(new_list "$one" "bench import")
start=$(now)
curl -sf -H "$auth" -F "id=$list" -F fileType=contactlist -F contact-id-name=contact_id \
	-F "file=@$work/contacts.csv" "$one/uploads/v2/contactlist" >/dev/null
while curl -sf -H "$auth" "$one/api/v2/outbound/contactlists/$list/importstatus" |
	grep -q IN_PROGRESS; do
	for p in $servers; do
		r=$(rss_kib "$p")
		[ "$r" -gt "${peak[$p]}" ] && peak[$p]=$r
	done
	sleep 0.05
done
import_s=$(elapsed "$start" "$(now)")
status=$(curl -sf -H "$auth" "$one/api/v2/outbound/contactlists/$list/importstatus")
case "$status" in *'"state"'*) echo "import failed: $status" >&2; exit 1 ;; esac
rss_line=""
for p in $servers; do rss_line="$rss_line +$(((peak[$p] - before[$p]) / 1024))"; done

get_rate() { # url [token] -> requests/s; every answer must be a 2xx
	DIALBOOK_TOKEN=${2:-$token} wrk -t2 -c8 -d"${SECONDS_EACH}s" -s bench/api.lua "$1" \
		>"$work/get.txt"
	grep -q '^wrk: .* 0 non-2xx, 0 socket errors' "$work/get.txt" ||
		{ echo "GET $1 failed: $(cat "$work/get.txt")" >&2; exit 1; }
	awk '/Requests\/sec/ { printf "%.0f", $2 }' "$work/get.txt"
}

echo "== GET of one list: server 1 on PostgreSQL"
small=$(new_list "$one" "bench get")
pg_get=$(get_rate "$one/api/v2/outbound/contactlists/$small")

echo "== GET of one list: one dialbookd on SQLite"
./build/dialbookd --listen 127.0.0.1:0 --db "$work/sqlite.db" "${limits[@]}" \
	--dev-client-file "$work/sqlite.env" >/dev/null 2>"$work/sqlite.log" &
pids+=($!)
for _ in $(seq 100); do grep -q "event=listening" "$work/sqlite.log" && break; sleep 0.05; done
sqlite_base="http://127.0.0.1:$(port_of "$work/sqlite.log")"
(
	. "$work/sqlite.env"
	curl -sf -u "$DIALBOOK_CLIENT_ID:$DIALBOOK_CLIENT_SECRET" -d grant_type=client_credentials \
		"$sqlite_base/oauth/token" | sed 's/.*"access_token":"\([^"]*\)".*/\1/' >"$work/sqlite.token"
)
sqlite_token=$(cat "$work/sqlite.token")
sqlite_list=$(token=$sqlite_token auth="Authorization: Bearer $sqlite_token" new_list "$sqlite_base" "bench get")
sqlite_get=$(get_rate "$sqlite_base/api/v2/outbound/contactlists/$sqlite_list" "$sqlite_token")
kill "${pids[@]}" 2>/dev/null || true

echo "== API adds: 1,000-contact calls over 4 connections for ${SECONDS_EACH}s, server 1"
add_list=$(new_list "$one" "bench api")
/usr/bin/python3 - "$add_list" >"$work/body.json" <<'PY'
import json, sys
print(json.dumps([{"contactListId": sys.argv[1], "data": {
    "full_name": f"Doe, Jane {i}", "home_phone": "+15551234567", "cell_phone": "(555) 123-4567",
    "email": f"jane{i}@example.com", "zip": "02134", "city": "Zürich", "balance": "12.50",
    "last_contacted": "2024-05-31T09:30:00Z", "status": "active"}} for i in range(1000)]))
PY
DIALBOOK_TOKEN=$token DIALBOOK_BODY=$work/body.json wrk -t4 -c4 -d"${SECONDS_EACH}s" \
	-s bench/api.lua "$one/api/v2/outbound/contactlists/$add_list/contacts" >"$work/wrk.txt"
added=$(curl -sf -H "$auth" "$one/api/v2/outbound/contactlists/$add_list?includeSize=true" |
	sed 's/.*"size":\([0-9]*\).*/\1/')
non2xx=$(sed -n 's/^wrk: .* \([0-9]*\) non-2xx.*/\1/p' "$work/wrk.txt")

echo "== GET through haproxy: 3 servers, then 1"
lb3_get=$(get_rate "$BASE/api/v2/outbound/contactlists/$small")
sed "/server dialbookd-[23] /d; s/127.0.0.1:$PORT/127.0.0.1:$((PORT + 1))/" "$DIR/haproxy.cfg" \
	>"$work/haproxy-1.cfg"
haproxy -db -f "$work/haproxy-1.cfg" >"$work/haproxy-1.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$((PORT + 1))/readyz" && break; sleep 0.05; done
lb1_get=$(get_rate "http://127.0.0.1:$((PORT + 1))/api/v2/outbound/contactlists/$small")

echo
echo "== results (this machine: $(nproc) cores, shared by PostgreSQL, 3 servers, haproxy and wrk)"
printf '%-46s %-34s %s\n' "measure" "figure" "goal"
printf '%-46s %-34s %s\n' "psql \\copy into a plain table (floor)" "${floor}s, $(rate "$ROWS" "$floor") rows/s" "-"
printf '%-46s %-34s %s\n' "dialbookd import on PostgreSQL, upload to done" \
	"${import_s}s, $(rate "$ROWS" "$import_s") rows/s" "<= 2x floor"
printf '%-46s %-34s %s\n' "  ratio to the floor" \
	"$(awk -v a="$import_s" -v b="$floor" 'BEGIN { printf "%.2fx", a / b }')" "<= 2.00x"
printf '%-46s %-34s %s\n' "GET one list, one server, PostgreSQL" "$pg_get req/s" "-"
printf '%-46s %-34s %s\n' "GET one list, one server, SQLite" "$sqlite_get req/s" "-"
printf '%-46s %-34s %s\n' "  PostgreSQL / SQLite" \
	"$(awk -v a="$pg_get" -v b="$sqlite_get" 'BEGIN { printf "%.0f%%", 100 * a / b }')" ">= 50%"
printf '%-46s %-34s %s\n' "API adds, 1000/call, 4 connections (PG)" \
	"$(rate "$added" "$SECONDS_EACH") contacts/s ($non2xx non-2xx)" ">= 50000 contacts/s"
printf '%-46s %-34s %s\n' "GET one list through haproxy, 1 server" "$lb1_get req/s" "-"
printf '%-46s %-34s %s\n' "GET one list through haproxy, 3 servers" "$lb3_get req/s" "-"
printf '%-46s %-34s %s\n' "RSS growth of each server during the import" "${rss_line# } MiB" \
	"< 64 MiB each"
