/* Test input from memory served in pieces of at most `chunk` bytes, so that
 * the CSV reader's refills land at every offset. Shared by the unit tests
 * and the fuzz driver. */
#ifndef DIALBOOK_CHUNKED_SOURCE_H
#define DIALBOOK_CHUNKED_SOURCE_H

#include <string.h>
#include <sys/types.h>

struct chunked_source {
	const char *data;
	size_t len, pos, chunk;
};

/* A csv_read_fn: ctx is a struct chunked_source. */
static inline ssize_t chunked_source_read(void *ctx, char *buf, size_t size)
{
	struct chunked_source *s = ctx;
	size_t n = s->len - s->pos;
	if (n > size)
		n = size;
	if (n > s->chunk)
		n = s->chunk;
	memcpy(buf, s->data + s->pos, n);
	s->pos += n;
	return (ssize_t)n;
}

#endif
