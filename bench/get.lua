-- wrk script: GET with a bearer token. Environment: DIALBOOK_TOKEN.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("DIALBOOK_TOKEN")

function done(summary, latency, requests)
	io.write(string.format("wrk: %d requests, %d non-2xx, %d socket errors\n",
		summary.requests, summary.errors.status,
		summary.errors.connect + summary.errors.read + summary.errors.write +
		summary.errors.timeout))
end
