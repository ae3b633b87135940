/* The gate of heavy work. A contact search or a RegEx listing reads every
 * row of a list or an organization; each takes a slot, and there are fewer
 * slots than worker threads, so a light request always finds a worker.
 * When every slot is taken the request is refused at once (503 with
 * Retry-After) instead of waiting on a worker. A slot also carries the
 * request's deadline, which the scans check as they go. */
#ifndef DIALBOOK_API_HEAVY_H
#define DIALBOOK_API_HEAVY_H

#include <stdbool.h>

#include "api/api.h"

struct heavy_slot {
	struct api_server *srv; /* NULL: no slot held */
	double deadline_ms;
};

/* Takes a slot for `what` ("a contact search"); 0, or -1 with a 503
 * service.unavailable recorded when every slot is taken. */
int heavy_enter(struct api_ctx *c, const char *what, struct heavy_slot *slot);
/* Gives the slot back; a slot never taken (zeroed) is fine. */
void heavy_leave(struct heavy_slot *slot);
/* Whether the deadline has passed; cheap enough to call once per row. */
bool heavy_expired(const struct heavy_slot *slot);
/* Records the 503 request.timeout of a request stopped at its deadline;
 * `detail` says how far it got and what to do. */
int heavy_timed_out(struct api_ctx *c, const struct heavy_slot *slot, const char *what,
		    const char *detail);

#endif
