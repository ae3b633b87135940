/* libFuzzer driver: the CSV reader and the contact row checks on any bytes,
 * read in chunks whose size the input's first byte chooses, so buffer
 * refills land everywhere. Nothing may crash, hang, leak or read out of
 * bounds; every record must hold together. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/support/chunked_source.h"
#include "csv/contact_csv.h"

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
	return 0;
}
