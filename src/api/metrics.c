/* The metrics of one dialbookd process and GET /metrics (api/metrics.h).
 *
 * Series are fixed arrays of atomics indexed by what labels them: a route
 * by its index in the route tables (so the label is the pattern, never a
 * raw path: no id can blow up the series count), a status by its value, a
 * store operation by a slot taken on its first call. Counting is a few
 * relaxed atomic adds; a scrape reads them without stopping anyone, so
 * one scrape may see a request's count before its latency (Prometheus
 * tolerates that skew). */
#include "api/metrics.h"
#include "api/control.h"
#include "common/strbuf.h"
#include "common/timeutil.h"
#include "http/router.h"
#include "store/store.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Upper bounds of the latency buckets, seconds (Prometheus's defaults,
 * one finer step below them: most API calls take well under 5 ms). */
static const double bucket_le[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
				   0.25,  0.5,	  1,	 2.5,  5,     10};
#define BUCKETS (sizeof(bucket_le) / sizeof(bucket_le[0]))

struct histogram {
	atomic_ullong bucket[BUCKETS + 1]; /* the last: above every bound */
	atomic_ullong sum_us;
	atomic_ullong count;
};

/* Route slots: the API's routes, then the control API's, then one for
 * requests no route takes. Statuses 100..599 each have a slot; 0 (the
 * connection ended before an answer) the last. */
#define ROUTE_SLOTS  128
#define UNMATCHED    (ROUTE_SLOTS - 1)
#define STATUS_FIRST 100
#define STATUS_SLOTS 501
#define OP_SLOTS     64

static struct {
	atomic_ullong by_status[ROUTE_SLOTS][STATUS_SLOTS];
	struct histogram latency[ROUTE_SLOTS];
	atomic_llong connections;
	atomic_ullong rate_limited;
	atomic_ullong jobs[2][2]; /* [kind][done?] */
	atomic_ullong import_rows, import_rejected, export_rows;
	_Atomic(const char *) op_name[OP_SLOTS];
	struct histogram op_latency[OP_SLOTS];
	atomic_ullong op_failures[OP_SLOTS];
} m;

static const char *metrics_token;

void metrics_set_token(const char *token)
{
	metrics_token = token;
}

static void observe(struct histogram *h, double seconds)
{
	size_t i = 0;
	while (i < BUCKETS && seconds > bucket_le[i])
		i++;
	atomic_fetch_add_explicit(&h->bucket[i], 1, memory_order_relaxed);
	double us = seconds > 0 ? seconds * 1e6 : 0;
	atomic_fetch_add_explicit(&h->sum_us, (unsigned long long)us, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
}

/* The route slot of a request, found as the dispatcher finds it. */
static size_t route_slot(const struct api_server *srv, const struct http_request *req)
{
	static _Thread_local struct route_match match; /* 4 KiB: not on the stack */
	bool control = srv && srv->control && control_path(req->path);
	const struct api_route *table = control ? control_routes : api_routes;
	size_t count = control ? control_route_count : api_route_count;
	size_t base = control ? api_route_count : 0;
	if (!req->method || !req->path ||
	    router_match(table, count, sizeof(table[0]), req->method, req->path, &match) !=
		    ROUTE_FOUND ||
	    base + match.index >= UNMATCHED)
		return UNMATCHED;
	return base + match.index;
}

void metrics_request_done(void *ctx, const struct http_request *req, int status)
{
	size_t route = route_slot(ctx, req);
	size_t slot = status >= STATUS_FIRST && status < STATUS_FIRST + STATUS_SLOTS - 1
			      ? (size_t)(status - STATUS_FIRST)
			      : STATUS_SLOTS - 1;
	atomic_fetch_add_explicit(&m.by_status[route][slot], 1, memory_order_relaxed);
	if (req->started_ms > 0)
		observe(&m.latency[route], (time_monotonic_ms() - req->started_ms) / 1000.0);
}

void metrics_connection(void *ctx, int delta)
{
	(void)ctx;
	atomic_fetch_add_explicit(&m.connections, delta, memory_order_relaxed);
}

void metrics_rate_limited(void)
{
	atomic_fetch_add_explicit(&m.rate_limited, 1, memory_order_relaxed);
}

void metrics_job_finished(enum metrics_job kind, bool done, int64_t rows, int64_t rejected)
{
	atomic_fetch_add_explicit(&m.jobs[kind][done], 1, memory_order_relaxed);
	atomic_ullong *counted = kind == METRICS_IMPORT ? &m.import_rows : &m.export_rows;
	if (rows > 0)
		atomic_fetch_add_explicit(counted, (unsigned long long)rows, memory_order_relaxed);
	if (kind == METRICS_IMPORT && rejected > 0)
		atomic_fetch_add_explicit(&m.import_rejected, (unsigned long long)rejected,
					  memory_order_relaxed);
}

/* The slot of store operation `op`: the one holding its name, or the
 * first free one, taken with a compare-and-swap; -1 when all are taken. */
static int op_slot(const char *op)
{
	for (int i = 0; i < OP_SLOTS; i++) {
		const char *name = atomic_load(&m.op_name[i]);
		if (!name) {
			const char *expected = NULL;
			if (atomic_compare_exchange_strong(&m.op_name[i], &expected, op))
				return i;
			name = expected; /* another thread took it meanwhile */
		}
		if (name == op || strcmp(name, op) == 0) /* op is a literal: same pointer */
			return i;
	}
	return -1;
}

void metrics_store_call(const char *op, double ms, int status)
{
	int i = op_slot(op);
	if (i < 0)
		return;
	observe(&m.op_latency[i], ms / 1000.0);
	if (status == STORE_FAILED)
		atomic_fetch_add_explicit(&m.op_failures[i], 1, memory_order_relaxed);
}

/* ---- The text format ------------------------------------------------ */

static void addf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addf(struct strbuf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		strbuf_add(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* A label value: backslash, quote and newline escaped, as the format says. */
static void add_label(struct strbuf *b, const char *name, const char *value, bool comma)
{
	if (comma)
		strbuf_addc(b, ',');
	strbuf_adds(b, name);
	strbuf_add(b, "=\"", 2);
	for (const char *p = value; *p; p++) {
		if (*p == '\\' || *p == '"')
			strbuf_addc(b, '\\');
		if (*p == '\n')
			strbuf_add(b, "\\n", 2);
		else
			strbuf_addc(b, *p);
	}
	strbuf_addc(b, '"');
}

static void header(struct strbuf *b, const char *name, const char *type, const char *help)
{
	addf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static const struct http_route *route_of(size_t slot)
{
	if (slot < api_route_count)
		return &api_routes[slot].http;
	if (slot - api_route_count < control_route_count)
		return &control_routes[slot - api_route_count].http;
	return NULL;
}

/* `{method="GET",route="/api/v2/..."` without the closing brace. */
static void route_labels(struct strbuf *b, size_t slot)
{
	const struct http_route *r = route_of(slot);
	strbuf_addc(b, '{');
	add_label(b, "method", r ? r->method : "", false);
	add_label(b, "route", r ? r->pattern : "(unmatched)", true);
}

/* One histogram's lines; `labels` writes its labels after '{' (no brace). */
static void add_histogram(struct strbuf *b, const char *name, const struct histogram *h,
			  void (*labels)(struct strbuf *b, size_t i), size_t i)
{
	unsigned long long cumulative = 0;
	for (size_t k = 0; k <= BUCKETS; k++) {
		cumulative += atomic_load_explicit(&h->bucket[k], memory_order_relaxed);
		addf(b, "%s_bucket", name);
		labels(b, i);
		if (k < BUCKETS)
			addf(b, ",le=\"%g\"} %llu\n", bucket_le[k], cumulative);
		else
			addf(b, ",le=\"+Inf\"} %llu\n", cumulative);
	}
	addf(b, "%s_sum", name);
	labels(b, i);
	addf(b, "} %.6f\n", (double)atomic_load_explicit(&h->sum_us, memory_order_relaxed) / 1e6);
	addf(b, "%s_count", name);
	labels(b, i);
	/* The buckets' total: the count of this same reading. */
	addf(b, "} %llu\n", cumulative);
}

static void op_labels(struct strbuf *b, size_t i)
{
	strbuf_addc(b, '{');
	add_label(b, "op", atomic_load(&m.op_name[i]), false);
}

static void add_requests(struct strbuf *b)
{
	header(b, "dialbook_http_requests_total", "counter",
	       "HTTP requests answered, by method, route pattern and status code (0: the "
	       "connection ended before an answer).");
	for (size_t r = 0; r < ROUTE_SLOTS; r++) {
		for (size_t s = 0; s < STATUS_SLOTS; s++) {
			unsigned long long n =
				atomic_load_explicit(&m.by_status[r][s], memory_order_relaxed);
			if (!n)
				continue;
			strbuf_adds(b, "dialbook_http_requests_total");
			route_labels(b, r);
			char status[8];
			snprintf(status, sizeof(status), "%zu",
				 s == STATUS_SLOTS - 1 ? 0 : s + STATUS_FIRST);
			add_label(b, "status", status, true);
			addf(b, "} %llu\n", n);
		}
	}
	strbuf_adds(b, "# HELP dialbook_http_request_duration_seconds Time from a request's "
		       "headers to its end, by method and route pattern.\n"
		       "# TYPE dialbook_http_request_duration_seconds histogram\n");
	for (size_t r = 0; r < ROUTE_SLOTS; r++) {
		if (atomic_load_explicit(&m.latency[r].count, memory_order_relaxed))
			add_histogram(b, "dialbook_http_request_duration_seconds", &m.latency[r],
				      route_labels, r);
	}
}

static void add_jobs(struct strbuf *b)
{
	static const char *const kinds[] = {"import", "export"};
	for (int k = 0; k < 2; k++) {
		char name[64];
		snprintf(name, sizeof(name), "dialbook_%s_jobs_total", kinds[k]);
		addf(b, "# HELP %s %s jobs this server ran to their end, by outcome.\n", name,
		     k ? "Export" : "Import");
		addf(b, "# TYPE %s counter\n", name);
		addf(b, "%s{outcome=\"done\"} %llu\n", name,
		     atomic_load_explicit(&m.jobs[k][1], memory_order_relaxed));
		addf(b, "%s{outcome=\"failed\"} %llu\n", name,
		     atomic_load_explicit(&m.jobs[k][0], memory_order_relaxed));
	}
	header(b, "dialbook_import_rows_total", "counter",
	       "Rows of imports this server ran: imported (stored) or rejected (invalid).");
	addf(b, "dialbook_import_rows_total{result=\"imported\"} %llu\n",
	     atomic_load_explicit(&m.import_rows, memory_order_relaxed));
	addf(b, "dialbook_import_rows_total{result=\"rejected\"} %llu\n",
	     atomic_load_explicit(&m.import_rejected, memory_order_relaxed));
	header(b, "dialbook_export_rows_total", "counter",
	       "Contacts written to export files by this server.");
	addf(b, "dialbook_export_rows_total %llu\n",
	     atomic_load_explicit(&m.export_rows, memory_order_relaxed));
}

static void add_store(struct strbuf *b)
{
	strbuf_adds(b, "# HELP dialbook_store_call_duration_seconds Time of each call to the "
		       "store (the database), by operation.\n"
		       "# TYPE dialbook_store_call_duration_seconds histogram\n");
	for (size_t i = 0; i < OP_SLOTS && atomic_load(&m.op_name[i]); i++)
		add_histogram(b, "dialbook_store_call_duration_seconds", &m.op_latency[i],
			      op_labels, i);
	header(b, "dialbook_store_call_failures_total", "counter",
	       "Store calls that failed (the database busy, unreachable or broken), by "
	       "operation.");
	for (size_t i = 0; i < OP_SLOTS && atomic_load(&m.op_name[i]); i++) {
		strbuf_adds(b, "dialbook_store_call_failures_total");
		op_labels(b, i);
		addf(b, "} %llu\n", atomic_load_explicit(&m.op_failures[i], memory_order_relaxed));
	}
}

char *metrics_render(size_t *len)
{
	struct strbuf b = {0};
	add_requests(&b);
	header(&b, "dialbook_rate_limited_total", "counter",
	       "Requests refused with 429 by the rate limit.");
	addf(&b, "dialbook_rate_limited_total %llu\n",
	     atomic_load_explicit(&m.rate_limited, memory_order_relaxed));
	add_jobs(&b);
	add_store(&b);
	header(&b, "dialbook_open_connections", "gauge", "HTTP connections open now.");
	addf(&b, "dialbook_open_connections %lld\n",
	     atomic_load_explicit(&m.connections, memory_order_relaxed));
	return strbuf_detach(&b, len);
}

static bool loopback(const char *addr)
{
	return addr && (strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
			strncmp(addr, "::ffff:127.", 11) == 0);
}

int metrics_serve(struct api_ctx *c)
{
	http_response_header(c->res, "Cache-Control", "no-store");
	if (metrics_token) {
		const char *given = http_bearer_token(c->req);
		size_t n = strlen(metrics_token);
		if (!given) {
			http_response_header(c->res, "WWW-Authenticate",
					     "Bearer realm=\"dialbook metrics\"");
			return problem_set(
				&c->problem, 401, "authentication.required",
				"GET /metrics wants \"Authorization: Bearer <token>\" with "
				"the token dialbookd was started with (--metrics-token)");
		}
		/* Constant time: the comparison says nothing of how much matched. */
		if (strlen(given) != n || sodium_memcmp(given, metrics_token, n) != 0) {
			http_response_header(c->res, "WWW-Authenticate",
					     "Bearer realm=\"dialbook metrics\", "
					     "error=\"invalid_token\"");
			return problem_set(
				&c->problem, 401, "bad.credentials",
				"Invalid metrics token: GET /metrics takes only the token "
				"of --metrics-token, never an OAuth access token");
		}
	} else if (!loopback(c->req->client_addr)) {
		return problem_set(&c->problem, 403, "missing.permissions",
				   "GET /metrics is served to loopback clients only (this one "
				   "is %.64s); start dialbookd with --metrics-token TOKEN to let "
				   "a scraper elsewhere in with that bearer token",
				   c->req->client_addr ? c->req->client_addr : "unknown");
	}
	size_t len = 0;
	char *text = metrics_render(&len);
	if (!text)
		return problem_set(&c->problem, 503, "service.unavailable",
				   "out of memory while writing the metrics; retry");
	c->res->status = 200;
	c->res->raw = text;
	c->res->raw_len = len;
	c->res->raw_type = "text/plain; version=0.0.4; charset=utf-8";
	return 0;
}
