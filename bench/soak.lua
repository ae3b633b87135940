-- wrk script of bench/soak.sh: a mixed load on one dialbookd, each request
-- picked by weight. Environment: DIALBOOK_TOKEN, DIALBOOK_LIST (a list of
-- contacts c0..cN-1), DIALBOOK_LISTS (ids of the other lists, comma-joined),
-- DIALBOOK_CONTACTS (N). Counts answers by status over every thread.
local token = os.getenv("DIALBOOK_TOKEN")
local list = os.getenv("DIALBOOK_LIST")
local contacts = tonumber(os.getenv("DIALBOOK_CONTACTS"))
local lists = {}
for id in string.gmatch(os.getenv("DIALBOOK_LISTS"), "[^,]+") do
	lists[#lists + 1] = id
end
local base = "/api/v2/outbound/contactlists"
local headers = {["Authorization"] = "Bearer " .. token,
	["Content-Type"] = "application/json"}

local function get(path)
	return wrk.format("GET", path, headers)
end

local function post(path, body)
	return wrk.format("POST", path, headers, body)
end

-- weight, maker: light reads dominate, as in a dialer's day.
local mix = {
	{30, function() return get(base .. "/" .. lists[math.random(#lists)]) end},
	{15, function()
		return get(base .. "/" .. list .. "/contacts/c" .. math.random(0, contacts - 1))
	end},
	{15, function() return get(base .. "?pageSize=25&sortBy=dateCreated") end},
	{10, function()
		return post(base .. "/" .. list .. "/contacts", string.format(
			'[{"id":"c%d","contactListId":"%s","data":{"first":"soak %d","age":"%d","city":"c%d"}}]',
			math.random(0, contacts - 1), list, math.random(1e6), math.random(0, 89),
			math.random(0, 49)))
	end},
	{10, function()
		return post(base .. "/" .. list .. "/contacts/search", string.format(
			'{"pageSize":10,"criteria":{"clauses":[{"predicates":[{"column":"city","operator":"EQUALS","value":"c%d"},{"column":"age","operator":"LESS_THAN","value":"30"}]}]}}',
			math.random(0, 49)))
	end},
	{10, function()
		return get(base .. "?filterType=RegEx&name=" .. "soak%20list%20%5Cd%2B%5B05%5D")
	end},
	{5, function()
		return post(base .. "/" .. list .. "/contacts/search",
			'{"pageSize":100,"pageNumber":20,"contactSorts":[{"fieldName":"city","direction":"DESC"},{"fieldName":"first"}]}')
	end},
	{5, function() return get(base .. "?filterType=RegEx&name=%28a%2B%29%2B%24") end},
}
local total = 0
for _, m in ipairs(mix) do total = total + m[1] end

function request()
	local pick = math.random(total)
	for _, m in ipairs(mix) do
		pick = pick - m[1]
		if pick <= 0 then return m[2]() end
	end
end

local threads = {}
function setup(thread)
	thread:set("id", #threads + 1)
	threads[#threads + 1] = thread
end

function init()
	math.randomseed(os.time() * 1000 + id)
	statuses = {}
end

function response(status)
	statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
	local all = {}
	for _, t in ipairs(threads) do
		for status, n in pairs(t:get("statuses")) do
			all[status] = (all[status] or 0) + n
		end
	end
	local keys = {}
	for status in pairs(all) do keys[#keys + 1] = status end
	table.sort(keys)
	local parts = {}
	for _, status in ipairs(keys) do parts[#parts + 1] = status .. ":" .. all[status] end
	io.write(string.format("soak: requests=%d seconds=%.1f socket_errors=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f statuses=%s\n",
		summary.requests, summary.duration / 1e6,
		summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
		latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
		table.concat(parts, ",")))
end
