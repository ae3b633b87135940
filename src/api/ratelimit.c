/* A fixed-size open hash table under one mutex: small, bounded memory, and
 * the critical section is a few instructions. When the table is full the
 * stalest entry is reused, which can only make a limit more lenient.
 *
 * Windows are aligned (they start at multiples of the window since the
 * epoch), so that every server names the same window; with a store to
 * share through (rate_limiter_share) a thread adds this server's counts
 * to the store's every RATE_SYNC_MS and learns the others' (the `others`
 * of a slot), so no request waits for the database. */
#include "api/ratelimit.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "store/pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SLOTS	4096
#define KEY_MAX 72

#define PROBE_SPAN 32

struct slot {
	char key[KEY_MAX];
	int64_t window_start;
	unsigned count;	   /* this server's requests in the window */
	unsigned unsynced; /* of which not yet added to the store's count */
	int64_t others;	   /* the other servers', as of the last sync */
};

struct rate_limiter {
	pthread_mutex_t lock;
	unsigned per_minute; /* per window, which is a minute unless told otherwise */
	int64_t window_ms;
	struct slot slots[SLOTS];
	/* Sharing (rate_limiter_share): the thread; rate_limiter_sync's buffers. */
	struct store_pool *pool;
	pthread_t syncer;
	bool sharing;
	pthread_mutex_t stop_lock;
	pthread_cond_t stop_cond;
	bool stopping;
	char (*keys)[KEY_MAX];
	struct rate_count *counts;
	int64_t *totals;
	unsigned *index;
};

struct rate_limiter *rate_limiter_new(unsigned per_minute, unsigned window_s)
{
	struct rate_limiter *rl = calloc(1, sizeof(*rl));
	if (!rl)
		abort();
	pthread_mutex_init(&rl->lock, NULL);
	pthread_mutex_init(&rl->stop_lock, NULL);
	pthread_cond_init(&rl->stop_cond, NULL);
	rl->per_minute = per_minute;
	rl->window_ms = (int64_t)(window_s ? window_s : 60) * 1000;
	rl->keys = calloc(SLOTS, sizeof(*rl->keys));
	rl->counts = calloc(SLOTS, sizeof(*rl->counts));
	rl->totals = calloc(SLOTS, sizeof(*rl->totals));
	rl->index = calloc(SLOTS, sizeof(*rl->index));
	if (!rl->keys || !rl->counts || !rl->totals || !rl->index)
		abort();
	return rl;
}

void rate_limiter_free(struct rate_limiter *rl)
{
	if (!rl)
		return;
	if (rl->sharing) {
		pthread_mutex_lock(&rl->stop_lock);
		rl->stopping = true;
		pthread_cond_signal(&rl->stop_cond);
		pthread_mutex_unlock(&rl->stop_lock);
		pthread_join(rl->syncer, NULL);
	}
	pthread_cond_destroy(&rl->stop_cond);
	pthread_mutex_destroy(&rl->stop_lock);
	pthread_mutex_destroy(&rl->lock);
	free(rl->keys);
	free(rl->counts);
	free(rl->totals);
	free(rl->index);
	free(rl);
}

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int64_t window_of(const struct rate_limiter *rl, int64_t now_ms)
{
	return now_ms - now_ms % rl->window_ms;
}

void rate_limiter_hit(struct rate_limiter *rl, const char *key, int64_t now_ms, bool count,
		      struct rate_verdict *out)
{
	int64_t window = window_of(rl, now_ms);
	pthread_mutex_lock(&rl->lock);
	uint32_t h = hash(key);
	struct slot *chosen = NULL, *stalest = NULL;
	for (unsigned i = 0; i < PROBE_SPAN; i++) {
		struct slot *s = &rl->slots[(h + i) % SLOTS];
		if (strncmp(s->key, key, KEY_MAX - 1) == 0 && s->key[0]) {
			chosen = s;
			break;
		}
		if (!stalest || s->window_start < stalest->window_start)
			stalest = s;
	}
	if (!chosen) {
		chosen = stalest;
		snprintf(chosen->key, KEY_MAX, "%s", key);
		chosen->window_start = -1;
	}
	if (chosen->window_start != window) {
		chosen->window_start = window;
		chosen->count = chosen->unsynced = 0;
		chosen->others = 0;
	}
	if (count) {
		chosen->count++;
		chosen->unsynced++;
	}
	int64_t total = chosen->others + chosen->count;
	out->limit = rl->per_minute;
	out->count = total > UINT32_MAX ? UINT32_MAX : (unsigned)total;
	out->allowed = !count || rl->per_minute == 0 || total <= rl->per_minute;
	out->reset_s = (unsigned)((window + rl->window_ms - now_ms + 999) / 1000);
	pthread_mutex_unlock(&rl->lock);
}

int rate_limiter_sync(struct rate_limiter *rl, struct store *s, int64_t now_ms)
{
	int64_t window = window_of(rl, now_ms);
	size_t n = 0;
	pthread_mutex_lock(&rl->lock);
	for (unsigned i = 0; i < SLOTS; i++) {
		struct slot *sl = &rl->slots[i];
		if (!sl->key[0] || sl->window_start != window)
			continue;
		memcpy(rl->keys[n], sl->key, KEY_MAX);
		rl->counts[n] = (struct rate_count){rl->keys[n], sl->unsynced};
		rl->index[n++] = i;
		sl->unsynced = 0;
	}
	pthread_mutex_unlock(&rl->lock);
	if (n == 0)
		return STORE_OK;
	int rc = s ? store_rate_counts_add(s, window, rl->counts, n, window - rl->window_ms,
					   rl->totals)
		   : STORE_FAILED;
	pthread_mutex_lock(&rl->lock);
	for (size_t j = 0; j < n; j++) {
		struct slot *sl = &rl->slots[rl->index[j]];
		if (sl->window_start != window || strcmp(sl->key, rl->keys[j]) != 0)
			continue;     /* reused meanwhile */
		if (rc != STORE_OK) { /* said next time */
			sl->unsynced += (unsigned)rl->counts[j].delta;
			continue;
		}
		/* The store's total holds everything this server added. */
		int64_t ours = (int64_t)sl->count - sl->unsynced;
		sl->others = rl->totals[j] > ours ? rl->totals[j] - ours : 0;
	}
	pthread_mutex_unlock(&rl->lock);
	return rc;
}

static void *sync_loop(void *arg)
{
	struct rate_limiter *rl = arg;
	bool failing = false;
	pthread_mutex_lock(&rl->stop_lock);
	while (!rl->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += RATE_SYNC_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&rl->stop_cond, &rl->stop_lock, &until);
		if (rl->stopping)
			break;
		pthread_mutex_unlock(&rl->stop_lock);
		int rc = rate_limiter_sync(rl, store_pool_get(rl->pool), time_now_ms());
		/* Said once per outage, not four times a second. */
		if (rc != STORE_OK && !failing)
			log_warn("event=rate_limit_unshared reason=\"the store failed; each server "
				 "counts alone until it answers\"");
		failing = rc != STORE_OK;
		pthread_mutex_lock(&rl->stop_lock);
	}
	pthread_mutex_unlock(&rl->stop_lock);
	return NULL;
}

int rate_limiter_share(struct rate_limiter *rl, struct store_pool *pool)
{
	if (rl->per_minute == 0)
		return 0; /* no limit: nothing to share */
	rl->pool = pool;
	if (pthread_create(&rl->syncer, NULL, sync_loop, rl) != 0)
		return -1;
	rl->sharing = true;
	return 0;
}
