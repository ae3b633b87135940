/* In-process writers take turns. SQLite lets one connection write at a
 * time and has no fairness: an import committing batch after batch would
 * win the write lock again and again while an API request's connection
 * waits out its busy timeout. So every write operation first takes a
 * ticket and waits its turn (first come, first served); SQLite's own
 * locking still guards against other processes. */
#include "store/sqlite/sqlite_internal.h"

#include <pthread.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn = PTHREAD_COND_INITIALIZER;
static unsigned long next_ticket, now_serving;

static void write_begin(void)
{
	pthread_mutex_lock(&lock);
	unsigned long ticket = next_ticket++;
	while (ticket != now_serving)
		pthread_cond_wait(&turn, &lock);
	pthread_mutex_unlock(&lock);
}

static void write_end(void)
{
	pthread_mutex_lock(&lock);
	now_serving++;
	pthread_cond_broadcast(&turn);
	pthread_mutex_unlock(&lock);
}

#define WRITE_OP(name, params, args)                                                               \
	int sqlite_locked_##name params                                                            \
	{                                                                                          \
		write_begin();                                                                     \
		int rc = sqlite_##name args;                                                       \
		write_end();                                                                       \
		return rc;                                                                         \
	}

SQLITE_WRITE_OPS(WRITE_OP)
