-- wrk script for the API benches. Environment: DIALBOOK_TOKEN; with
-- DIALBOOK_BODY (a file holding a JSON array of contacts) it POSTs that body
-- again and again, without it it GETs the URL.
local path = os.getenv("DIALBOOK_BODY")
if path then
	local f = assert(io.open(path, "r"))
	wrk.method = "POST"
	wrk.body = f:read("*a")
	f:close()
	wrk.headers["Content-Type"] = "application/json"
end
wrk.headers["Authorization"] = "Bearer " .. os.getenv("DIALBOOK_TOKEN")

function done(summary, latency, requests)
	io.write(string.format("wrk: %d requests, %d non-2xx, %d socket errors\n",
		summary.requests, summary.errors.status,
		summary.errors.connect + summary.errors.read + summary.errors.write +
		summary.errors.timeout))
end
