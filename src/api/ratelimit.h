/* Per-caller request budget over a fixed one-minute window, reported in
 * the cloud's inin-ratelimit-* headers. */
#ifndef DIALBOOK_RATELIMIT_H
#define DIALBOOK_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct rate_limiter;

struct rate_verdict {
	bool allowed;
	unsigned limit;	  /* requests per window; 0 = unlimited */
	unsigned count;	  /* requests in the current window, this one included */
	unsigned reset_s; /* seconds until the window resets */
};

/* per_minute requests in each window of window_s seconds (0 means 60). */
struct rate_limiter *rate_limiter_new(unsigned per_minute, unsigned window_s);
void rate_limiter_free(struct rate_limiter *rl);
/* Counts one request for `key` (a token hash, or a client address), or only
 * reports the budget when `count` is false. */
void rate_limiter_hit(struct rate_limiter *rl, const char *key, int64_t now_ms, bool count,
		      struct rate_verdict *out);

#endif
