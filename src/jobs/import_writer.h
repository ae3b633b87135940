/* The writing half of an import: a thread that commits batches of contacts
 * while the reading half parses and checks the next batch. Two batches
 * take turns, so memory stays at two batches whatever the file's size. */
#ifndef DIALBOOK_IMPORT_WRITER_H
#define DIALBOOK_IMPORT_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define IMPORT_BATCH_ROWS 5000
#define IMPORT_NO_META	  SIZE_MAX

struct import_batch {
	struct contact_row rows[IMPORT_BATCH_ROWS]; /* id and packed set when written */
	size_t id_off[IMPORT_BATCH_ROWS], packed_off[IMPORT_BATCH_ROWS];
	size_t meta_off[IMPORT_BATCH_ROWS]; /* IMPORT_NO_META when the row gave no state */
	size_t n;
	char *arena; /* ids and packed values of the rows */
	size_t arena_len, arena_cap;
	/* The job's counters when the batch was closed, for progress. */
	int64_t completed, failed, blank;
	unsigned long long offset; /* bytes of the file read by then */
	int64_t total;		   /* the file's rows when counted (paced); 0: estimated */
};

/* Room for n more bytes in the batch's arena; returns where, and its offset. */
char *import_batch_take(struct import_batch *b, size_t n, size_t *off);

struct import_writer;

/* Takes over the store connection until import_writer_finish. */
struct import_writer *import_writer_start(struct store *s, const struct import_job *job,
					  const char *org_id, const char *list_id,
					  const struct contact_limits *lim,
					  unsigned long long file_size);
/* The batch to fill first. */
struct import_batch *import_writer_first(struct import_writer *w);
/* Hands over a full batch and returns the empty one to fill next, or NULL
 * when writing has failed (finish tells why). */
struct import_batch *import_writer_submit(struct import_writer *w, struct import_batch *b);
/* Writes `last` (may be empty), stops the thread. Returns 0, or -1 with the
 * failure's reason and detail. *imported counts the rows committed. */
int import_writer_finish(struct import_writer *w, struct import_batch *last, int64_t *imported,
			 char reason[64], char detail[512]);

#endif
