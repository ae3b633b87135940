/* CRLF row ends, as RFC 4180 and the cloud's exports use. */
#include "csv/csv_writer.h"

#include <stdio.h>
#include <string.h>

void csv_writer_init(struct csv_writer *w, csv_sink_fn sink, void *ctx)
{
	w->len = 0;
	w->row_started = false;
	w->failed = false;
	w->sink = sink;
	w->ctx = ctx;
}

int csv_sink_stdio(void *ctx, const char *data, size_t len)
{
	return fwrite(data, 1, len, ctx) == len ? 0 : -1;
}

static void flush(struct csv_writer *w)
{
	if (w->len && !w->failed && w->sink(w->ctx, w->buf, w->len))
		w->failed = true;
	w->len = 0;
}

void csv_writer_raw(struct csv_writer *w, const char *data, size_t len)
{
	while (len) {
		if (w->len == sizeof(w->buf))
			flush(w);
		size_t n = sizeof(w->buf) - w->len;
		if (n > len)
			n = len;
		memcpy(w->buf + w->len, data, n);
		w->len += n;
		data += n;
		len -= n;
	}
}

static void put(struct csv_writer *w, char c)
{
	if (w->len == sizeof(w->buf))
		flush(w);
	w->buf[w->len++] = c;
}

void csv_writer_field(struct csv_writer *w, const char *s, size_t len, bool quote)
{
	if (w->row_started)
		put(w, ',');
	w->row_started = true;
	/* Leading and trailing blanks are quoted, as the cloud's exports do, so
	 * that a reader which trims unquoted fields keeps them. */
	if (len && !quote)
		quote = s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t';
	for (size_t i = 0; i < len && !quote; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			quote = true;
	if (!quote) {
		csv_writer_raw(w, s, len);
		return;
	}
	put(w, '"');
	const char *start = s, *end = s + len;
	for (const char *q; (q = memchr(start, '"', (size_t)(end - start)));) {
		csv_writer_raw(w, start, (size_t)(q - start) + 1);
		put(w, '"'); /* a quote is doubled */
		start = q + 1;
	}
	csv_writer_raw(w, start, (size_t)(end - start));
	put(w, '"');
}

void csv_writer_end_row(struct csv_writer *w)
{
	put(w, '\r');
	put(w, '\n');
	w->row_started = false;
}

int csv_writer_finish(struct csv_writer *w)
{
	flush(w);
	return w->failed ? -1 : 0;
}
