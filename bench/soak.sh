#!/bin/bash
# Soak: a mixed load on a fresh dialbookd for a while (issue 9 item 8), to
# see that throughput, latency and memory hold. Light reads, writes, small
# searches, RegEx listings, a deep sorted search and a catastrophic RegEx
# (refused at PCRE2's match limit) run together over 16 connections; prints
# throughput, error counts, latency percentiles and resident memory at the
# start and the end. Not part of `make test`.
# Usage: bench/soak.sh            SOAK_SECONDS=600 CONTACTS=100000 bench/soak.sh
#        DIALBOOKD=build-x/dialbookd bench/soak.sh (a binary already built)
#        DIALBOOKD_FLAGS="--threads 8" bench/soak.sh (more flags for the server)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${SOAK_SECONDS:-60}
CONTACTS=${CONTACTS:-20000}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-4}

scripts/install-deps bench
if [ -z "${DIALBOOKD:-}" ]; then
	make build >/dev/null
	DIALBOOKD=build/dialbookd
fi

work=$(mktemp -d /tmp/dialbook-soak.XXXXXX)
server_pid=""
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

# shellcheck disable=SC2086
"$DIALBOOKD" --listen 127.0.0.1:0 --db "$work/dialbook.db" --rate-limit 0 \
	--dev-client-file "$work/dev.env" ${DIALBOOKD_FLAGS:-} >"$work/stdout" 2>"$work/log" &
server_pid=$!
for _ in $(seq 100); do grep -q "event=listening" "$work/log" && break; sleep 0.05; done
base="http://127.0.0.1:$(grep -o 'event=listening.*port=[0-9]*' "$work/log" | grep -o '[0-9]*$')"
. "$work/dev.env"
token=$(curl -sf -u "$DIALBOOK_CLIENT_ID:$DIALBOOK_CLIENT_SECRET" -d grant_type=client_credentials \
	"$base/oauth/token" | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$server_pid/status"; }
threads_of() { awk '/^Threads/ { print $2 }' "/proc/$server_pid/status"; }

echo "== setup: 50 lists, one of $CONTACTS contacts"
/usr/bin/python3 - "$base" "$token" "$CONTACTS" >"$work/ids" <<'PY'
import json, sys, urllib.request
base, token, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def call(method, path, body):
    req = urllib.request.Request(base + path, json.dumps(body).encode(), method=method, headers={
        "Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.load(r)
lists = "/api/v2/outbound/contactlists"
others = [call("POST", lists, {"name": f"soak list {i}", "columnNames": ["a"]})["id"]
          for i in range(49)]
# The name (a+)+$ backtracks on: that RegEx stops at PCRE2's match limit.
others.append(call("POST", lists, {"name": "a" * 30 + "b", "columnNames": ["a"]})["id"])
big = call("POST", lists, {"name": "soak contacts", "columnDefinitions": [
    {"name": "first"}, {"name": "age", "type": "numeric"}, {"name": "city"}]})["id"]
for b in range(0, n, 1000):
    call("POST", f"{lists}/{big}/contacts", [
        {"id": f"c{i}", "contactListId": big,
         "data": {"first": f"n{i}", "age": str(i % 90), "city": f"c{i % 50}"}}
        for i in range(b, min(n, b + 1000))])
print(big, ",".join(others))
PY
read -r list others <"$work/ids"
rss_start=$(rss_kib)
threads_start=$(threads_of)

echo "== mixed load: ${DURATION}s, $CONNECTIONS connections, $THREADS wrk threads"
DIALBOOK_TOKEN=$token DIALBOOK_LIST=$list DIALBOOK_LISTS=$others DIALBOOK_CONTACTS=$CONTACTS \
	wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 30s -s bench/soak.lua "$base" \
	>"$work/wrk.txt"
rss_end=$(rss_kib)
threads_end=$(threads_of)
# The server still answers a light request at once after the load.
after=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "Authorization: Bearer $token" \
	"$base/api/v2/outbound/contactlists/$list")

line=$(grep '^soak:' "$work/wrk.txt")
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
requests=$(field requests)
seconds=$(field seconds)
statuses=$(field statuses)
# Expected refusals of the mix: the catastrophic RegEx (400) and heavy
# requests over the slots (503 service.unavailable). Anything else is an error.
unexpected=$(tr ',' '\n' <<<"$statuses" | awk -F: '$1 !~ /^(200|201|400|503)$/ { n += $2 } END { print n + 0 }')

echo
echo "== results (this machine: $(nproc) cores; $(grep -o 'threads=[0-9]*' "$work/log"))"
printf '%-34s %s\n' "throughput" "$(awk -v r="$requests" -v s="$seconds" 'BEGIN { printf "%.0f requests/s (%d in %.1f s)", r / s, r, s }')"
printf '%-34s %s\n' "answers by status" "$statuses (400: the catastrophic RegEx; 503: no heavy slot free)"
printf '%-34s %s\n' "errors (socket, other statuses)" "$(field socket_errors) socket, $unexpected unexpected"
printf '%-34s %s\n' "latency p50 / p99 / max" "$(field p50_ms) / $(field p99_ms) / $(field max_ms) ms"
printf '%-34s %s\n' "resident memory start -> end" "$((rss_start / 1024)) MiB -> $((rss_end / 1024)) MiB"
printf '%-34s %s\n' "threads start -> end" "$threads_start -> $threads_end"
printf '%-34s %s\n' "a light GET after the load" "$after"
