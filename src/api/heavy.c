/* Slots for heavy work: a counter, compared and swapped, never a queue.
 * A request that finds no slot is answered at once; one that waited would
 * hold a thread while it waits, which is what the gate prevents. */
#include "api/heavy.h"
#include "common/timeutil.h"

#include <string.h>
#include <strings.h>

bool api_is_heavy(void *ctx, const struct http_request *req)
{
	(void)ctx;
	struct route_match m;
	if (router_match(api_routes, api_route_count, sizeof(api_routes[0]), req->method, req->path,
			 &m) != ROUTE_FOUND)
		return false;
	unsigned flags = api_routes[m.index].flags;
	if (flags & API_HEAVY)
		return true;
	/* listing_query_parse's rule: a name, filtered as a RegEx. */
	const char *type = http_query_get(req, "filterType");
	return (flags & API_HEAVY_REGEX) && type && strcasecmp(type, "RegEx") == 0 &&
	       http_query_get(req, "name");
}

static bool stopping(const atomic_bool *cancel)
{
	return cancel && atomic_load(cancel);
}

static int refuse_stopping(struct api_ctx *c, const char *what, bool started)
{
	http_response_header(c->res, "Retry-After", "%u", DB_BUSY_RETRY_AFTER_S);
	return problem_set(&c->problem, 503, "service.unavailable",
			   "the server is stopping: %s %s. Retry in %u second%s", what,
			   started ? "was stopped before it finished" : "was not started",
			   DB_BUSY_RETRY_AFTER_S, DB_BUSY_RETRY_AFTER_S == 1 ? "" : "s");
}

static int refuse_busy(struct api_ctx *c, const char *what, unsigned slots)
{
	http_response_header(c->res, "Retry-After", "%u", DB_BUSY_RETRY_AFTER_S);
	return problem_set(&c->problem, 503, "service.unavailable",
			   "the server is busy: %s is heavy work, and it serves %u request%s of "
			   "that kind at once (contact searches and RegEx listings, the limit of "
			   "--heavy-slots); %s running. Retry in %u second%s",
			   what, slots, slots == 1 ? "" : "s",
			   slots == 1 ? "that one is" : "all are", DB_BUSY_RETRY_AFTER_S,
			   DB_BUSY_RETRY_AFTER_S == 1 ? "" : "s");
}

int heavy_enter(struct api_ctx *c, const char *what, struct heavy_slot *slot)
{
	struct api_server *srv = c->srv;
	unsigned slots = srv->limits.heavy_slots ? srv->limits.heavy_slots : DB_HEAVY_SLOTS_MIN;
	memset(slot, 0, sizeof(*slot));
	if (stopping(c->req->cancel))
		return refuse_stopping(c, what, false);
	/* Every heavy thread was busy: the work must not run on this one. */
	if (c->req->heavy_refused)
		return refuse_busy(c, what, slots);
	unsigned busy = atomic_load(&srv->heavy_busy);
	do {
		if (busy >= slots)
			return refuse_busy(c, what, slots);
	} while (!atomic_compare_exchange_weak(&srv->heavy_busy, &busy, busy + 1));
	slot->srv = srv;
	slot->deadline_ms = time_monotonic_ms() + srv->limits.request_deadline_ms;
	slot->cancel = c->req->cancel;
	return 0;
}

void heavy_leave(struct heavy_slot *slot)
{
	if (slot->srv)
		atomic_fetch_sub(&slot->srv->heavy_busy, 1);
	slot->srv = NULL;
}

/* A read of the monotonic clock costs tens of nanoseconds (vDSO), a row a
 * microsecond or more: checking every row keeps the overrun tiny. */
bool heavy_expired(const struct heavy_slot *slot)
{
	return time_monotonic_ms() > slot->deadline_ms || stopping(slot->cancel);
}

int heavy_timed_out(struct api_ctx *c, const struct heavy_slot *slot, const char *what,
		    const char *detail)
{
	if (stopping(slot->cancel))
		return refuse_stopping(c, what, true);
	unsigned limit = slot->srv ? slot->srv->limits.request_deadline_ms : 0;
	http_response_header(c->res, "Retry-After", "%u", DB_BUSY_RETRY_AFTER_S);
	return problem_set(&c->problem, 503, "request.timeout",
			   "%s was stopped at the request deadline (%u ms, the limit of one "
			   "request's work): %s",
			   what, limit, detail);
}
