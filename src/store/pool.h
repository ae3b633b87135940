/* One store connection per thread, opened on first use and closed when
 * the thread ends (or the pool is released, for the calling thread). */
#ifndef DIALBOOK_STORE_POOL_H
#define DIALBOOK_STORE_POOL_H

#include "store/store.h"

struct store_pool;

/* Connections opened with opt (NULL: the defaults), copied. */
int store_pool_new(const char *location, const struct store_options *opt, struct store_pool **out,
		   char *err, size_t err_size);
/* This thread's connection, or NULL (logged) when it cannot be opened. */
struct store *store_pool_get(struct store_pool *pool);
void store_pool_free(struct store_pool *pool);

#endif
