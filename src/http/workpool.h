/* A fixed set of threads for work that must not run on libmicrohttpd's
 * (heavy requests, see offload in server.c). Nothing waits in it: a thread
 * is reserved first, and when none is free the caller knows at once and
 * answers without it, instead of parking the work behind others. */
#ifndef DIALBOOK_HTTP_WORKPOOL_H
#define DIALBOOK_HTTP_WORKPOOL_H

#include <stdbool.h>
#include <stddef.h>

struct workpool;

typedef void (*workpool_fn)(void *arg);

/* Starts `threads` threads (at least 1): 0, or -1 with why in err. The
 * threads inherit the caller's signal mask. */
int workpool_start(unsigned threads, struct workpool **out, char *err, size_t err_size);
/* Keeps a thread for this caller's next workpool_run. False when every
 * thread is kept or busy, or when the pool is closed. */
bool workpool_reserve(struct workpool *p);
/* Hands work(arg) to the thread workpool_reserve kept; it starts at once.
 * Then the thread counts as free again, and only then publish(arg) runs
 * on it: whoever learns of the result from publish (a client that sends
 * its next request at once) finds the thread free. */
void workpool_run(struct workpool *p, workpool_fn work, workpool_fn publish, void *arg);
/* Refuses reservations from now on; work already reserved still runs. */
void workpool_close(struct workpool *p);
/* Closes the pool, waits for every reserved piece of work to end, stops
 * the threads and frees the pool. NULL is fine. */
void workpool_free(struct workpool *p);

#endif
