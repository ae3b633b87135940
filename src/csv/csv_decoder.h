/* Text in another encoding (Windows-1252, Latin-1, UTF-16...) read as
 * UTF-8: a csv_read_fn over another csv_read_fn that converts with iconv
 * chunk by chunk, keeping a character cut by a chunk's end for the next
 * read, so memory stays fixed whatever the input's size. Converting does
 * not add or remove line breaks, so the lines of the converted text are
 * the file's own. Pure: it never opens files itself. */
#ifndef DIALBOOK_CSV_DECODER_H
#define DIALBOOK_CSV_DECODER_H

#include <stdbool.h>

#include "csv/csv_reader.h"

struct csv_decoder;

/* Whether iconv can convert from `encoding` (any name it knows: windows-1252,
 * latin1, utf-16, utf-16le...) to UTF-8. */
bool csv_decoder_supports(const char *encoding);

/* A decoder of what read(ctx) gives. NULL when iconv does not know the
 * encoding (errno EINVAL). */
struct csv_decoder *csv_decoder_new(const char *encoding, csv_read_fn read, void *ctx);
void csv_decoder_free(struct csv_decoder *d);

/* The csv_read_fn (ctx is the decoder): UTF-8 bytes, 0 at the end, or -1
 * when the source's read failed or its bytes are not text in the encoding
 * (csv_decoder_error says which, and where). The bytes converted before
 * the bad ones are handed out first. */
ssize_t csv_decoder_read(void *ctx, char *buf, size_t size);

/* Why the last csv_decoder_read failed: the line and column in the
 * converted text, and in the message the byte's offset in the source.
 * NULL when it did not fail, or when the source's own read failed. */
const struct csv_error *csv_decoder_error(const struct csv_decoder *d);

/* Starts again from the first byte; the caller rewinds the source. */
void csv_decoder_reset(struct csv_decoder *d);

#endif
