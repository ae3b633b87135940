/* Large batches of contacts: COPY into a staging table, then one
 * statement applies the batch. */
#ifndef DIALBOOK_PG_COPY_H
#define DIALBOOK_PG_COPY_H

#include "store/postgres/pg_internal.h"

/* From how many rows a batch goes through COPY: below, one INSERT ... ON
 * CONFLICT per row costs less than the staging. */
#define PG_COPY_MIN_ROWS 64

/* Whether two rows of the batch have the same id: then the batch is
 * written row by row, each replacing the one before, as store.h says. */
bool pg_copy_has_duplicates(const struct contact_row *rows, size_t n);
/* Upserts rows into list `key` in the caller's transaction, which holds
 * the list's row lock (so no one else writes the list meanwhile); *added
 * counts the contacts that are new. The rows must have distinct ids. */
int pg_copy_upsert(struct pg_store *s, int64_t key, const struct contact_row *rows, size_t n,
		   size_t *added);

#endif
