/* glibc's iconv does the converting; this file feeds it chunks and keeps
 * count of where it is, so that a byte the encoding does not define is
 * reported with its offset in the file and its line in the text. */
#include "csv/csv_decoder.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define INPUT_BUFFER (64u << 10)

struct csv_decoder {
	iconv_t cd;
	csv_read_fn read;
	void *ctx;
	char name[48]; /* the encoding as given, for messages */
	/* Source bytes not converted yet: in[start .. start + len). */
	char in[INPUT_BUFFER];
	size_t start, len;
	unsigned long long offset; /* the source offset of in[start] */
	/* A character that did not fit the caller's buffer, handed out next. */
	char spill[8];
	size_t spill_start, spill_len;
	bool eof, flushed, failed;
	bool bom_checked;
	/* Where the converted text has got to: the line, characters on it. */
	unsigned long line, column;
	bool after_cr;
	bool has_error;
	struct csv_error error;
};

bool csv_decoder_supports(const char *encoding)
{
	/* An empty name would mean the locale's encoding to iconv. */
	if (!encoding || !*encoding)
		return false;
	iconv_t cd = iconv_open("UTF-8", encoding);
	if (cd == (iconv_t)-1)
		return false;
	iconv_close(cd);
	return true;
}

struct csv_decoder *csv_decoder_new(const char *encoding, csv_read_fn read, void *ctx)
{
	if (!csv_decoder_supports(encoding)) {
		errno = EINVAL;
		return NULL;
	}
	struct csv_decoder *d = calloc(1, sizeof(*d));
	if (!d)
		abort();
	d->cd = iconv_open("UTF-8", encoding);
	if (d->cd == (iconv_t)-1) {
		free(d);
		errno = EINVAL;
		return NULL;
	}
	d->read = read;
	d->ctx = ctx;
	snprintf(d->name, sizeof(d->name), "%s", encoding);
	d->line = 1;
	return d;
}

void csv_decoder_free(struct csv_decoder *d)
{
	if (!d)
		return;
	iconv_close(d->cd);
	free(d);
}

void csv_decoder_reset(struct csv_decoder *d)
{
	iconv(d->cd, NULL, NULL, NULL, NULL);
	d->start = d->len = d->spill_start = d->spill_len = 0;
	d->offset = 0;
	d->eof = d->flushed = d->failed = d->after_cr = d->has_error = d->bom_checked = false;
	d->line = 1;
	d->column = 0;
}

const struct csv_error *csv_decoder_error(const struct csv_decoder *d)
{
	return d->has_error ? &d->error : NULL;
}

/* Counts lines as the CSV reader does (LF, CRLF or a lone CR), with
 * memchr, and the characters after the last one. */
static void track(struct csv_decoder *d, const char *out, size_t n)
{
	const char *p = out, *e = out + n, *line = NULL;
	if (d->after_cr && p < e && *p == '\n') /* the LF of a CRLF cut in two */
		line = ++p;
	d->after_cr = false;
	for (;;) {
		const char *lf = memchr(p, '\n', (size_t)(e - p));
		const char *cr = memchr(p, '\r', (size_t)((lf ? lf : e) - p));
		const char *brk = cr ? cr : lf;
		if (!brk)
			break;
		d->line++;
		if (brk == cr && cr + 1 < e && cr[1] == '\n')
			brk++;
		else if (brk == cr && cr + 1 == e)
			d->after_cr = true;
		line = p = brk + 1;
	}
	if (line)
		d->column = 0;
	for (const char *c = line ? line : out; c < e; c++)
		d->column += ((unsigned char)*c & 0xC0) != 0x80;
}

static ssize_t handed_out(struct csv_decoder *d, const char *out, size_t n)
{
	track(d, out, n);
	return (ssize_t)n;
}

static ssize_t fail(struct csv_decoder *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static ssize_t fail(struct csv_decoder *d, const char *fmt, ...)
{
	d->failed = d->has_error = true;
	d->error.line = d->line;
	d->error.column = d->column + 1;
	va_list ap;
	va_start(ap, fmt);
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): clang 14 misses va_start */
	vsnprintf(d->error.message, sizeof(d->error.message), fmt, ap);
	va_end(ap);
	return -1;
}

/* Converts pending input into out; returns the bytes written, with the
 * iconv error (0, E2BIG, EINVAL: cut short, EILSEQ: invalid) in *e. */
static size_t convert(struct csv_decoder *d, char *out, size_t size, int *e)
{
	char *in = d->in + d->start, *o = out;
	size_t in_left = d->len, out_left = size;
	*e = iconv(d->cd, &in, &in_left, &o, &out_left) == (size_t)-1 ? errno : 0;
	d->offset += d->len - in_left;
	d->start += d->len - in_left;
	d->len = in_left;
	return size - out_left;
}

/* Hands out the spilled character, as much of it as fits. */
static ssize_t from_spill(struct csv_decoder *d, char *buf, size_t size)
{
	size_t n = d->spill_len < size ? d->spill_len : size;
	memcpy(buf, d->spill + d->spill_start, n);
	d->spill_start += n;
	d->spill_len -= n;
	return handed_out(d, buf, n);
}

/* A byte order mark says what the file is whatever --encoding says: a
 * UTF-16 file read as windows-1252 would otherwise be reported as a header
 * of empty, repeated columns. NULL when the mark fits the encoding. */
static const char *bom_mismatch(const struct csv_decoder *d)
{
	const unsigned char *b = (const unsigned char *)d->in + d->start;
	bool wide = strcasestr(d->name, "16") || strcasestr(d->name, "32") ||
		    strcasestr(d->name, "ucs");
	bool utf8 = strcasecmp(d->name, "utf-8") == 0 || strcasecmp(d->name, "utf8") == 0;
	if (d->len >= 2 && !wide &&
	    ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF)))
		return "the file starts with a UTF-16 byte order mark: pass --encoding utf-16";
	if (d->len >= 3 && !utf8 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
		return "the file starts with a UTF-8 byte order mark: it is UTF-8 already; leave "
		       "out --encoding";
	return NULL;
}

ssize_t csv_decoder_read(void *ctx, char *buf, size_t size)
{
	struct csv_decoder *d = ctx;
	if (d->failed)
		return -1;
	if (size == 0)
		return 0;
	if (d->spill_len)
		return from_spill(d, buf, size);
	for (;;) {
		if (!d->bom_checked && d->offset == 0 && (d->len >= 3 || d->eof)) {
			d->bom_checked = true;
			const char *why = bom_mismatch(d);
			if (why)
				return fail(d, "%s, not --encoding %.40s", why, d->name);
		}
		if (d->len) {
			int e;
			size_t n = convert(d, buf, size, &e);
			if (n)
				return handed_out(d, buf, n); /* an error shows on the next call */
			if (e == E2BIG) {
				/* The next character is longer than size: spill it. */
				d->spill_start = 0;
				d->spill_len = convert(d, d->spill, sizeof(d->spill), &e);
				if (d->spill_len)
					return from_spill(d, buf, size);
			}
			if (e == EILSEQ || e == E2BIG)
				return fail(d,
					    "the byte at offset %llu (0x%02X) is not valid %.40s: "
					    "is the "
					    "file in another encoding?",
					    d->offset, (unsigned char)d->in[d->start], d->name);
			/* 0 or EINVAL (a character cut by the chunk's end): read on. */
		}
		if (d->eof) {
			if (d->len)
				return fail(d,
					    "the file ends in the middle of a %.40s character (at "
					    "offset %llu)",
					    d->name, d->offset);
			if (d->flushed)
				return 0;
			/* Encodings with shift states may have a last sequence to write. */
			d->flushed = true;
			char *o = buf;
			size_t left = size;
			iconv(d->cd, NULL, NULL, &o, &left);
			return handed_out(d, buf, size - left);
		}
		memmove(d->in, d->in + d->start, d->len);
		d->start = 0;
		ssize_t got = d->read(d->ctx, d->in + d->len, sizeof(d->in) - d->len);
		if (got < 0) {
			d->failed = true;
			return -1;
		}
		d->eof = got == 0;
		d->len += (size_t)got;
	}
}
