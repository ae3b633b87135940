/* Unit tests of the delayer (http/delay.h), which resumes connections whose
 * answer waits (the control API's latency): waits fire in deadline order,
 * a flush fires them all at once and returns when they have fired, and a
 * wait added after a flush fires at once. No test depends on how long
 * anything takes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>

#include "common/timeutil.h"
#include "http/delay.h"

struct fired {
	pthread_mutex_t lock;
	int order[8];
	int n;
};

struct waiter {
	struct fired *log;
	int id;
};

static void note(void *arg)
{
	struct waiter *w = arg;
	pthread_mutex_lock(&w->log->lock);
	w->log->order[w->log->n++] = w->id;
	pthread_mutex_unlock(&w->log->lock);
}

static int count(struct fired *f)
{
	pthread_mutex_lock(&f->lock);
	int n = f->n;
	pthread_mutex_unlock(&f->lock);
	return n;
}

static void flush_fires_everything_in_deadline_order(void **state)
{
	(void)state;
	struct delayer *d;
	char err[128];
	assert_int_equal(delayer_start(&d, err, sizeof(err)), 0);
	struct fired f = {.lock = PTHREAD_MUTEX_INITIALIZER};
	struct waiter w[4] = {{&f, 3}, {&f, 1}, {&f, 2}, {&f, 4}};
	double now = time_monotonic_ms();
	/* Far away: none fires on its own while the test runs. */
	delayer_add(d, now + 3600e3 * 3, note, &w[0]);
	delayer_add(d, now + 3600e3 * 1, note, &w[1]);
	delayer_add(d, now + 3600e3 * 2, note, &w[2]);
	assert_int_equal(count(&f), 0);
	delayer_flush(d);
	assert_int_equal(count(&f), 3);
	assert_int_equal(f.order[0], 1);
	assert_int_equal(f.order[1], 2);
	assert_int_equal(f.order[2], 3);
	/* After a flush, a wait fires at once (the server is stopping). */
	delayer_add(d, now + 3600e3, note, &w[3]);
	delayer_flush(d);
	assert_int_equal(count(&f), 4);
	assert_int_equal(f.order[3], 4);
	delayer_free(d);
}

static void a_wait_that_is_due_fires_without_a_flush(void **state)
{
	(void)state;
	struct delayer *d;
	char err[128];
	assert_int_equal(delayer_start(&d, err, sizeof(err)), 0);
	struct fired f = {.lock = PTHREAD_MUTEX_INITIALIZER};
	struct waiter w = {&f, 7};
	delayer_add(d, time_monotonic_ms() - 1, note, &w); /* already due */
	while (count(&f) == 0)
		sched_yield();
	assert_int_equal(f.order[0], 7);
	delayer_free(d);
}

static void free_fires_what_is_left(void **state)
{
	(void)state;
	struct delayer *d;
	char err[128];
	assert_int_equal(delayer_start(&d, err, sizeof(err)), 0);
	struct fired f = {.lock = PTHREAD_MUTEX_INITIALIZER};
	struct waiter w = {&f, 5};
	delayer_add(d, time_monotonic_ms() + 3600e3, note, &w);
	delayer_free(d);
	assert_int_equal(count(&f), 1);
	delayer_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(flush_fires_everything_in_deadline_order),
		cmocka_unit_test(a_wait_that_is_due_fires_without_a_flush),
		cmocka_unit_test(free_fires_what_is_left),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
