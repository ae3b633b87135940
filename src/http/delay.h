/* A timer thread for answers that must wait (the control API's injected
 * latency): a suspended connection is resumed when its time comes, so no
 * worker thread sleeps meanwhile. One thread, a list kept in deadline
 * order; the waits are few and short (DB_MAX_... caps them). */
#ifndef DIALBOOK_HTTP_DELAY_H
#define DIALBOOK_HTTP_DELAY_H

#include <stddef.h>

struct delayer;

typedef void (*delay_fn)(void *arg);

/* Starts the thread: 0, or -1 with why in err. */
int delayer_start(struct delayer **out, char *err, size_t err_size);
/* Calls fire(arg) on the delayer's thread once monotonic time (ms,
 * time_monotonic_ms) reaches at_ms; at once after delayer_flush. */
void delayer_add(struct delayer *d, double at_ms, delay_fn fire, void *arg);
/* Fires every pending wait now and every later one at once; returns when
 * none is left. For the server's stop. */
void delayer_flush(struct delayer *d);
/* Flushes, stops the thread, frees. NULL is fine. */
void delayer_free(struct delayer *d);

#endif
