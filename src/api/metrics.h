/* GET /metrics: this process's counters in Prometheus's text exposition
 * format (version 0.0.4). Every series lives in process memory as atomics,
 * counted from the start of the process: each server of a cluster
 * exposes its own, and a scraper sums them (docs/operations.md lists the
 * series). Counting never blocks and never allocates. */
#ifndef DIALBOOK_API_METRICS_H
#define DIALBOOK_API_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "api/api.h"

/* Who may read /metrics: with token NULL, loopback clients only; with a
 * token (kept, not copied: argv's), `Authorization: Bearer <token>` from
 * any address, loopback included. Set once, before serving. */
void metrics_set_token(const char *token);

/* The http_server_config hooks, ctx the struct api_server: a request
 * that ended with `status` (0: none was sent), its route found by the
 * request's method and path (a path no route takes counts as
 * "(unmatched)"); a connection opened (+1) or closed (-1). */
void metrics_request_done(void *ctx, const struct http_request *req, int status);
void metrics_connection(void *ctx, int delta);

/* A request refused by the rate limit (429). */
void metrics_rate_limited(void);

enum metrics_job { METRICS_IMPORT, METRICS_EXPORT };
/* A job this server ran ended: done or failed; rows imported (or
 * exported) and, for an import, rows rejected. */
void metrics_job_finished(enum metrics_job kind, bool done, int64_t rows, int64_t rejected);

/* A store call (store_set_call_observer): op as store_backend.h names it. */
void metrics_store_call(const char *op, double ms, int status);

/* The handler of GET /metrics. */
int metrics_serve(struct api_ctx *c);

/* The exposition text, malloc'd (the caller frees), for the handler and
 * the unit tests; NULL when out of memory. */
char *metrics_render(size_t *len);

#endif
