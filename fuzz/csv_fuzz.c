/* libFuzzer driver: the CSV reader and the contact row checks on any bytes,
 * read in chunks whose size the input's first byte chooses, so buffer
 * refills land everywhere. Nothing may crash, hang, leak or read out of
 * bounds; every record must hold together. Then the fast reader is held
 * to the reference reader (csv_reference.c), call for call, read in those
 * chunks and read whole: records, fields, values, lines, columns, byte
 * offsets, raw records and errors must be the same, or it aborts. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/support/chunked_source.h"
#include "csv/contact_csv.h"
#include "csv_reference.h"

/* Says what differs, at which call, and aborts. */
static void differs(unsigned call, const char *what)
{
	fprintf(stderr, "csv_fuzz: the fast reader and the reference differ at call %u: %s\n", call,
		what);
	abort();
}

static void same_record(unsigned call, const struct csv_record *rec, const struct ref_result *want,
			char *value)
{
	if (rec->count != want->count || rec->line != want->line || rec->lines != want->lines)
		differs(call, "field count, line or lines");
	if (rec->blank != want->blank || rec->nul != want->nul)
		differs(call, "blank or nul");
	for (size_t i = 0; i < rec->count; i++) {
		const struct csv_field *f = &rec->fields[i];
		const struct ref_field *w = &want->fields[i];
		if (f->quoted != w->quoted || f->line != w->line)
			differs(call, "a field's quoting or line");
		if (csv_field_column(rec, i) != w->column || csv_field_offset(rec, i) != w->offset)
			differs(call, "a field's column or byte offset");
		size_t n = ref_field_value(w, value);
		if (f->len != n || memcmp(f->data, value, n) != 0)
			differs(call, "a field's value");
	}
}

/* The fast reader, fed `chunk` bytes a read, against the reference. */
static void compare(const uint8_t *data, size_t size, size_t chunk)
{
	struct chunked_source src = {(const char *)data, size, 0, chunk};
	struct csv_reader *r = csv_reader_new(chunked_source_read, &src);
	static struct ref_reader *ref; /* 4096 fields: allocated once */
	if (!ref)
		ref = malloc(sizeof(*ref));
	char *value = malloc(size + 1);
	if (!ref || !value)
		abort();
	ref_reader_init(ref, (const char *)data, size);
	for (unsigned call = 1;; call++) {
		struct csv_record rec;
		struct csv_error err;
		struct ref_result want;
		int rc = csv_reader_next(r, &rec, &err);
		ref_reader_next(ref, &want);
		if (rc != want.rc)
			differs(call, "the return code");
		if (rc == 1)
			same_record(call, &rec, &want, value);
		if (rc < 0 && (err.line != want.err_line || err.column != want.err_column ||
			       strcmp(err.message, want.message) != 0))
			differs(call, "the error");
		const char *raw;
		size_t raw_len;
		bool has_raw = csv_reader_last_raw(r, &raw, &raw_len) == 0;
		if (has_raw != want.has_raw ||
		    (has_raw && (raw_len != want.raw_len || memcmp(raw, want.raw, raw_len) != 0)))
			differs(call, "the raw record");
		if (csv_record_offset(r) != want.record_offset ||
		    csv_reader_offset(r) != want.consumed)
			differs(call, "the record's offset or the bytes consumed");
		if (csv_reader_failed(r) != want.failed || csv_reader_had_bom(r) != want.had_bom)
			differs(call, "failed or had_bom");
		if (rc == 0)
			break;
	}
	free(value);
	csv_reader_free(r);
}

static struct contact_schema schema;

static void make_schema(void)
{
	static int ready;
	if (ready)
		return;
	ready = 1;
	struct db_limits limits;
	db_limits_init(&limits);
	json_t *doc = json_loads(
		"{\"trimWhitespace\":true,\"columnDefinitions\":[{\"name\":\"id\"},{\"name\":"
		"\"phone\",\"type\":\"phone\",\"required\":true},{\"name\":\"email\",\"type\":"
		"\"email\"},{\"name\":\"n\",\"type\":\"numeric\"},{\"name\":\"t\",\"type\":"
		"\"timestamp\"}]}",
		0, NULL);
	if (!doc || contact_schema_init(&schema, doc, &limits))
		abort();
	json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	make_schema();
	size_t chunk = size ? (size_t)data[0] % 97 + 1 : 1;
	struct chunked_source src = {(const char *)data, size, 0, chunk};
	struct csv_reader *r = csv_reader_new(chunked_source_read, &src);
	struct csv_record rec;
	struct csv_error err;
	struct contact_csv check;
	memset(&check, 0, sizeof(check));
	bool header = false;
	int rc;
	while ((rc = csv_reader_next(r, &rec, &err)) != 0) {
		if (rc < 0) {
			if (err.line == 0 || err.column == 0)
				abort();
			continue;
		}
		for (size_t i = 0; i < rec.count; i++) {
			if (rec.fields[i].len > size || rec.fields[i].line < rec.line)
				abort();
			if (csv_field_column(&rec, i) == 0)
				abort();
		}
		if (!header) {
			struct contact_csv_failure why = {0};
			header = true;
			if (contact_csv_header(&check, &schema, &rec, "id", 50, &why) != 0) {
				contact_csv_release(&check);
				break;
			}
			continue;
		}
		struct contact_csv_row row;
		int bad;
		char reason[256];
		contact_csv_row(&check, &rec, &row, &bad, reason, sizeof(reason));
	}
	contact_csv_release(&check);
	csv_reader_free(r);
	compare(data, size, chunk);
	compare(data, size, size + 1);
	return 0;
}
