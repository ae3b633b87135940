-- wrk script: POST one prepared 1,000-contact body again and again.
-- Environment: DIALBOOK_TOKEN, DIALBOOK_BODY (a file holding the JSON array).
local f = assert(io.open(os.getenv("DIALBOOK_BODY"), "r"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("DIALBOOK_TOKEN")

function done(summary, latency, requests)
	io.write(string.format("wrk: %d requests, %d non-2xx, %d socket errors\n",
		summary.requests, summary.errors.status,
		summary.errors.connect + summary.errors.read + summary.errors.write +
		summary.errors.timeout))
end
