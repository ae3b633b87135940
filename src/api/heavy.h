/* The gate of heavy work. A contact search or a RegEx listing reads every
 * row of a list or an organization; the HTTP layer runs it on a heavy
 * thread, never on a worker that serves other connections (api_is_heavy
 * says which requests), and it takes a slot. There are as many slots as
 * heavy threads; when none is free the request is refused at once (503
 * with Retry-After) instead of waiting. A slot also carries the request's
 * deadline, which the scans check as they go, and the server's stop, which
 * ends the work early. */
#ifndef DIALBOOK_API_HEAVY_H
#define DIALBOOK_API_HEAVY_H

#include <stdatomic.h>
#include <stdbool.h>

#include "api/api.h"

struct heavy_slot {
	struct api_server *srv; /* NULL: no slot held */
	double deadline_ms;
	const atomic_bool *cancel; /* the request's: set when the server stops */
};

/* Takes a slot for `what` ("a contact search"); 0, or -1 with a 503
 * service.unavailable recorded when every slot (or heavy thread) is taken
 * or the server is stopping. */
int heavy_enter(struct api_ctx *c, const char *what, struct heavy_slot *slot);
/* Gives the slot back; a slot never taken (zeroed) is fine. */
void heavy_leave(struct heavy_slot *slot);
/* Whether the deadline has passed or the server is stopping; cheap enough
 * to call once per row. */
bool heavy_expired(const struct heavy_slot *slot);
/* Records the 503 request.timeout of a request stopped at its deadline
 * (`detail` says how far it got and what to do), or the 503
 * service.unavailable of one stopped because the server stops. */
int heavy_timed_out(struct api_ctx *c, const struct heavy_slot *slot, const char *what,
		    const char *detail);

#endif
