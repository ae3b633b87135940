/* Thread-local connections: SQLite connections must not be shared between
 * threads, and a connection per worker avoids any locking in dialbookd. */
#include "store/pool.h"
#include "common/log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct store_pool {
	char *location;
	struct store_options options;
	pthread_key_t key;
};

static void close_connection(void *p)
{
	store_close(p);
}

int store_pool_new(const char *location, const struct store_options *opt, struct store_pool **out,
		   char *err, size_t err_size)
{
	struct store_pool *pool = calloc(1, sizeof(*pool));
	if (!pool || pthread_key_create(&pool->key, close_connection) != 0) {
		free(pool);
		snprintf(err, err_size, "cannot create the connection pool");
		return STORE_FAILED;
	}
	pool->location = strdup(location);
	if (opt)
		pool->options = *opt;
	/* Opening one now checks the database and runs migrations up front. */
	struct store *s;
	if (store_open_with(location, &pool->options, &s, err, err_size) != STORE_OK) {
		store_pool_free(pool);
		return STORE_FAILED;
	}
	pthread_setspecific(pool->key, s);
	*out = pool;
	return STORE_OK;
}

struct store *store_pool_get(struct store_pool *pool)
{
	struct store *s = pthread_getspecific(pool->key);
	if (s)
		return s;
	char err[256];
	if (store_open_with(pool->location, &pool->options, &s, err, sizeof(err)) != STORE_OK) {
		log_error("event=store_open_failed error=\"%s\"", err);
		return NULL;
	}
	pthread_setspecific(pool->key, s);
	return s;
}

void store_pool_free(struct store_pool *pool)
{
	if (!pool)
		return;
	store_close(pthread_getspecific(pool->key));
	pthread_setspecific(pool->key, NULL);
	pthread_key_delete(pool->key);
	free(pool->location);
	free(pool);
}
