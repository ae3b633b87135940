/* RFC 4180 output into a buffer that is handed to a write callback when
 * full, so large files stream in constant memory. Pure. */
#ifndef DIALBOOK_CSV_WRITER_H
#define DIALBOOK_CSV_WRITER_H

#include <stdbool.h>
#include <stddef.h>

/* Writes all of data; returns 0 or -1. */
typedef int (*csv_sink_fn)(void *ctx, const char *data, size_t len);

struct csv_writer {
	char buf[1 << 16];
	size_t len;
	bool row_started;
	bool failed;
	csv_sink_fn sink;
	void *ctx;
};

void csv_writer_init(struct csv_writer *w, csv_sink_fn sink, void *ctx);
/* A csv_sink_fn writing to the FILE * in ctx (opened by the caller). */
int csv_sink_stdio(void *ctx, const char *data, size_t len);
void csv_writer_raw(struct csv_writer *w, const char *data, size_t len);
/* A field, quoted when it holds a comma, quote, CR or LF, when it starts or
 * ends with a space or a tab, or when `quote`. */
void csv_writer_field(struct csv_writer *w, const char *s, size_t len, bool quote);
void csv_writer_end_row(struct csv_writer *w);
/* Flushes; returns 0, or -1 when a write failed at any point. */
int csv_writer_finish(struct csv_writer *w);

#endif
