/* A fixed-size open hash table under one mutex: small, bounded memory, and
 * the critical section is a few instructions. When the table is full the
 * stalest entry is reused, which can only make a limit more lenient. */
#include "api/ratelimit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS	4096
#define KEY_MAX 72

#define PROBE_SPAN 32

struct slot {
	char key[KEY_MAX];
	int64_t window_start;
	unsigned count;
};

struct rate_limiter {
	pthread_mutex_t lock;
	unsigned per_minute; /* per window, which is a minute unless told otherwise */
	int64_t window_ms;
	struct slot slots[SLOTS];
};

struct rate_limiter *rate_limiter_new(unsigned per_minute, unsigned window_s)
{
	struct rate_limiter *rl = calloc(1, sizeof(*rl));
	if (!rl)
		abort();
	pthread_mutex_init(&rl->lock, NULL);
	rl->per_minute = per_minute;
	rl->window_ms = (int64_t)(window_s ? window_s : 60) * 1000;
	return rl;
}

void rate_limiter_free(struct rate_limiter *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl);
}

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

void rate_limiter_hit(struct rate_limiter *rl, const char *key, int64_t now_ms, bool count,
		      struct rate_verdict *out)
{
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
		chosen->window_start = now_ms;
		chosen->count = 0;
	}
	if (now_ms - chosen->window_start >= rl->window_ms) {
		chosen->window_start = now_ms;
		chosen->count = 0;
	}
	if (count)
		chosen->count++;
	out->limit = rl->per_minute;
	out->count = chosen->count;
	out->allowed = !count || rl->per_minute == 0 || chosen->count <= rl->per_minute;
	int64_t left = rl->window_ms - (now_ms - chosen->window_start);
	out->reset_s = (unsigned)((left + 999) / 1000);
	pthread_mutex_unlock(&rl->lock);
}
