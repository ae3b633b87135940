/* The heavy threads: a mutex, a condition and a ring with one place per
 * thread. `taken` counts work reserved or running and never passes the
 * number of threads, so handed-over work finds a thread idle (or one that
 * is only publishing a result). */
#include "http/workpool.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct work {
	workpool_fn work, publish;
	void *arg;
};

struct workpool {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	unsigned threads, started;
	unsigned taken;	   /* reserved or running */
	struct work *ring; /* handed over, not yet started: `count` from `head` */
	unsigned head, count;
	bool closed, ending;
	pthread_t *ids;
};

/* Whether a thread has nothing more to do: the pool ends and no reserved
 * work can still be handed over. */
static bool done(const struct workpool *p)
{
	return p->ending && p->taken == 0;
}

static void *workpool_main(void *arg)
{
	struct workpool *p = arg;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (p->count == 0 && !done(p))
			pthread_cond_wait(&p->wake, &p->lock);
		if (p->count == 0)
			break;
		struct work w = p->ring[p->head];
		p->head = (p->head + 1) % p->threads;
		p->count--;
		pthread_mutex_unlock(&p->lock);
		w.work(w.arg);
		pthread_mutex_lock(&p->lock);
		p->taken--;
		if (done(p)) /* the others may be waiting for this */
			pthread_cond_broadcast(&p->wake);
		pthread_mutex_unlock(&p->lock);
		/* Work reserved meanwhile waits at most for this call, or goes
		 * to another thread. */
		w.publish(w.arg);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* Ends the threads that started; the pool is then freed. */
static void stop_threads(struct workpool *p)
{
	pthread_mutex_lock(&p->lock);
	p->closed = p->ending = true;
	pthread_cond_broadcast(&p->wake);
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < p->started; i++)
		pthread_join(p->ids[i], NULL);
	pthread_cond_destroy(&p->wake);
	pthread_mutex_destroy(&p->lock);
	free(p->ring);
	free(p->ids);
	free(p);
}

int workpool_start(unsigned threads, struct workpool **out, char *err, size_t err_size)
{
	struct workpool *p = calloc(1, sizeof(*p));
	if (!p)
		abort();
	p->threads = threads ? threads : 1;
	p->ring = calloc(p->threads, sizeof(*p->ring));
	p->ids = calloc(p->threads, sizeof(*p->ids));
	if (!p->ring || !p->ids)
		abort();
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	for (; p->started < p->threads; p->started++) {
		int rc = pthread_create(&p->ids[p->started], NULL, workpool_main, p);
		if (rc != 0) {
			snprintf(err, err_size, "cannot start the threads of heavy work: %s",
				 strerror(rc));
			stop_threads(p);
			return -1;
		}
	}
	*out = p;
	return 0;
}

bool workpool_reserve(struct workpool *p)
{
	pthread_mutex_lock(&p->lock);
	bool ok = !p->closed && p->taken < p->threads;
	if (ok)
		p->taken++;
	pthread_mutex_unlock(&p->lock);
	return ok;
}

void workpool_run(struct workpool *p, workpool_fn work, workpool_fn publish, void *arg)
{
	pthread_mutex_lock(&p->lock);
	/* count < taken <= threads: the ring has room. */
	p->ring[(p->head + p->count) % p->threads] = (struct work){work, publish, arg};
	p->count++;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
}

void workpool_close(struct workpool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->closed = true;
	pthread_mutex_unlock(&p->lock);
}

void workpool_free(struct workpool *p)
{
	if (p)
		stop_threads(p);
}
