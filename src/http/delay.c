/* The delayer (delay.h): a condition variable timed to the earliest
 * deadline of a sorted list. */
#include "http/delay.h"
#include "common/timeutil.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct wait {
	struct wait *next;
	double at_ms;
	delay_fn fire;
	void *arg;
};

struct delayer {
	pthread_mutex_t lock;
	pthread_cond_t wake; /* CLOCK_MONOTONIC */
	pthread_cond_t idle; /* the list ran empty */
	struct wait *waits;  /* earliest first */
	bool flushing, stopping;
	pthread_t thread;
};

static void *delayer_main(void *arg)
{
	struct delayer *d = arg;
	pthread_mutex_lock(&d->lock);
	for (;;) {
		struct wait *w = d->waits;
		if (!w) {
			pthread_cond_broadcast(&d->idle);
			if (d->stopping)
				break;
			pthread_cond_wait(&d->wake, &d->lock);
			continue;
		}
		double now = time_monotonic_ms();
		if (!d->flushing && w->at_ms > now) {
			struct timespec ts;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			double left = w->at_ms - now;
			long long ns = ts.tv_nsec + (long long)(left * 1e6);
			ts.tv_sec += (time_t)(ns / 1000000000LL);
			ts.tv_nsec = (long)(ns % 1000000000LL);
			pthread_cond_timedwait(&d->wake, &d->lock, &ts);
			continue;
		}
		d->waits = w->next;
		pthread_mutex_unlock(&d->lock);
		w->fire(w->arg); /* unlocked: it may take other locks */
		free(w);
		pthread_mutex_lock(&d->lock);
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

int delayer_start(struct delayer **out, char *err, size_t err_size)
{
	struct delayer *d = calloc(1, sizeof(*d));
	if (!d)
		abort();
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->wake, &attr);
	pthread_cond_init(&d->idle, NULL);
	pthread_condattr_destroy(&attr);
	int rc = pthread_create(&d->thread, NULL, delayer_main, d);
	if (rc) {
		snprintf(err, err_size, "cannot start the delay thread: %s", strerror(rc));
		pthread_cond_destroy(&d->wake);
		pthread_cond_destroy(&d->idle);
		pthread_mutex_destroy(&d->lock);
		free(d);
		return -1;
	}
	*out = d;
	return 0;
}

void delayer_add(struct delayer *d, double at_ms, delay_fn fire, void *arg)
{
	struct wait *w = malloc(sizeof(*w));
	if (!w)
		abort();
	w->at_ms = at_ms;
	w->fire = fire;
	w->arg = arg;
	pthread_mutex_lock(&d->lock);
	struct wait **p = &d->waits;
	while (*p && (*p)->at_ms <= at_ms)
		p = &(*p)->next;
	w->next = *p;
	*p = w;
	pthread_cond_signal(&d->wake);
	pthread_mutex_unlock(&d->lock);
}

void delayer_flush(struct delayer *d)
{
	if (!d)
		return;
	pthread_mutex_lock(&d->lock);
	d->flushing = true;
	pthread_cond_signal(&d->wake);
	while (d->waits)
		pthread_cond_wait(&d->idle, &d->lock);
	pthread_mutex_unlock(&d->lock);
}

void delayer_free(struct delayer *d)
{
	if (!d)
		return;
	delayer_flush(d);
	pthread_mutex_lock(&d->lock);
	d->stopping = true;
	pthread_cond_signal(&d->wake);
	pthread_mutex_unlock(&d->lock);
	pthread_join(d->thread, NULL);
	pthread_cond_destroy(&d->wake);
	pthread_cond_destroy(&d->idle);
	pthread_mutex_destroy(&d->lock);
	free(d);
}
