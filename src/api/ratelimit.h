/* Per-caller request budget over fixed windows (a minute unless told
 * otherwise), reported in the cloud's inin-ratelimit-* headers; shared by
 * every server on one database, without a database write per request. */
#ifndef DIALBOOK_RATELIMIT_H
#define DIALBOOK_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

struct rate_limiter;
struct store_pool;

/* How often a sharing limiter adds its counts to the store's and learns
 * the other servers': the slack of a shared limit (see rate_limiter_share). */
#define RATE_SYNC_MS 250

struct rate_verdict {
	bool allowed;
	unsigned limit;	  /* requests per window; 0 = unlimited */
	unsigned count;	  /* requests in the current window, this one included */
	unsigned reset_s; /* seconds until the window resets */
};

/* per_minute requests in each window of window_s seconds (0 means 60).
 * Windows start at multiples of window_s since the epoch, on every server
 * alike. Aborts when out of memory. */
struct rate_limiter *rate_limiter_new(unsigned per_minute, unsigned window_s);
/* Stops the sharing thread, if any. Accepts NULL. */
void rate_limiter_free(struct rate_limiter *rl);
/* Counts one request for `key` (a token hash, or a client address), or only
 * reports the budget when `count` is false. Never touches the store. */
void rate_limiter_hit(struct rate_limiter *rl, const char *key, int64_t now_ms, bool count,
		      struct rate_verdict *out);
/* Shares the counts with every server on pool's database: a thread calls
 * rate_limiter_sync every RATE_SYNC_MS. A key's budget then holds across
 * servers but for what the other servers admitted for it since the last
 * sync (one RATE_SYNC_MS and a store call). While the store fails each
 * server counts alone (logged once). Nothing to do when the limit is off.
 * 0, or -1 when the thread cannot start. */
int rate_limiter_share(struct rate_limiter *rl, struct store_pool *pool);
/* One sync through s (NULL: the store is unreachable): adds the requests
 * counted since the last one to the store's counts of the current window
 * and learns the totals. STORE_OK or the store's failure (the counts are
 * kept for the next sync). */
int rate_limiter_sync(struct rate_limiter *rl, struct store *s, int64_t now_ms);

#endif
