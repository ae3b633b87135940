/* The CSV reader against RFC 4180 and the files people really send. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/chunked_source.h"
#include "csv/csv_reader.h"

/* Renders every record as "a|b|c" lines, errors as "!line:col:message". */
static char *render(const char *data, size_t len, size_t chunk)
{
	struct chunked_source src = {data, len, 0, chunk};
	struct csv_reader *r = csv_reader_new(chunked_source_read, &src);
	size_t cap = len * 2 + 1024, used = 0;
	char *out = calloc(1, cap);
	struct csv_record rec;
	struct csv_error err;
	int rc;
	while ((rc = csv_reader_next(r, &rec, &err)) != 0) {
		if (rc < 0) {
			used += (size_t)snprintf(out + used, cap - used, "!%lu:%lu:%.20s\n",
						 err.line, err.column, err.message);
			continue;
		}
		if (rec.blank) {
			used += (size_t)snprintf(out + used, cap - used, "(blank@%lu)\n", rec.line);
			continue;
		}
		for (size_t i = 0; i < rec.count; i++)
			used += (size_t)snprintf(out + used, cap - used, "%s%.*s", i ? "|" : "",
						 (int)rec.fields[i].len, rec.fields[i].data);
		used += (size_t)snprintf(out + used, cap - used, "@%lu\n", rec.line);
	}
	csv_reader_free(r);
	return out;
}

/* Checks the rendering at several chunk sizes: the answer must not depend on them. */
static void expect(const char *data, const char *want)
{
	size_t chunks[] = {1, 2, 3, 7, 64, 1 << 20};
	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		char *got = render(data, strlen(data), chunks[i]);
		if (strcmp(got, want) != 0)
			fail_msg("chunk %zu: for %s\ngot:\n%s\nwant:\n%s", chunks[i], data, got,
				 want);
		free(got);
	}
}

static void plain_records(void **state)
{
	(void)state;
	expect("a,b,c\n1,2,3\n", "a|b|c@1\n1|2|3@2\n");
	expect("a,b,c\r\n1,2,3\r\n", "a|b|c@1\n1|2|3@2\n");
	expect("a,b\n1,2", "a|b@1\n1|2@2\n"); /* no final newline */
	expect("a,,c\n,\n", "a||c@1\n|@2\n");
	expect("a,b,\n", "a|b|@1\n");
	expect("", "");
	expect("x", "x@1\n");
}

static void quoting(void **state)
{
	(void)state;
	expect("\"a,b\",c\n", "a,b|c@1\n");
	expect("\"say \"\"hi\"\"\",x\n", "say \"hi\"|x@1\n");
	expect("\"\"\n", "@1\n");
	expect("\"\"\"\"\n", "\"@1\n");
	expect("\"line1\nline2\",z\nnext,row\n", "line1\nline2|z@1\nnext|row@3\n");
	expect("\"cr\r\nlf\",z\r\n", "cr\r\nlf|z@1\n");
	expect("a,\"b\"", "a|b@1\n");
}

static void bom_and_blank_lines(void **state)
{
	(void)state;
	expect("\xEF\xBB\xBFid,name\n1,x\n", "id|name@1\n1|x@2\n");
	expect("a\n\n\nb\n\n", "a@1\n(blank@2)\n(blank@3)\nb@4\n(blank@5)\n");
	expect("a\r\n\r\n", "a@1\n(blank@2)\n");
	/* A BOM in the middle is data, not skipped. */
	expect("a\n\xEF\xBB\xBF"
	       "b\n",
	       "a@1\n\xEF\xBB\xBF"
	       "b@2\n");
}

static void errors_carry_line_and_column(void **state)
{
	(void)state;
	expect("a,b\n1,\"open\n2,3\n", "a|b@1\n!2:3:unterminated quoted \n");
	expect("a,b\nx\"y,2\nok,1\n", "a|b@1\n!2:2:a quote inside an un\nok|1@3\n");
	expect("a,b\n\"x\"y,2\nok,1\n", "a|b@1\n!2:4:unexpected character\nok|1@3\n");
	expect("h\n\xc3\xa9\xff\nok\n", "h@1\n!2:2:invalid UTF-8 (the f\nok@3\n");
	expect("h\n\"a\nb\xfe\"\n", "h@1\n!3:2:invalid UTF-8 (the f\n");
	expect("h,\xe9t\xe9\n", "!1:3:invalid UTF-8 (the f\n"); /* Latin-1 */
	/* Columns count characters, not bytes. */
	expect("\xc3\xa9\xc3\xa9,x\"\n", "!1:5:a quote inside an un\n");
}

static void field_positions(void **state)
{
	(void)state;
	const char *data = "id,\"multi\nline\",\xc3\xa9t\xc3\xa9,last\n";
	struct chunked_source src = {data, strlen(data), 0, 1 << 20};
	struct csv_reader *r = csv_reader_new(chunked_source_read, &src);
	struct csv_record rec;
	struct csv_error err;
	assert_int_equal(csv_reader_next(r, &rec, &err), 1);
	assert_int_equal(rec.count, 4);
	assert_int_equal(rec.lines, 2);
	assert_int_equal(rec.fields[1].line, 1);
	assert_int_equal(csv_field_column(&rec, 1), 4);
	assert_true(rec.fields[1].quoted);
	assert_int_equal(rec.fields[2].line, 2);
	assert_int_equal(csv_field_column(&rec, 2), 7);
	assert_int_equal(csv_field_column(&rec, 3), 11);
	assert_int_equal(csv_reader_next(r, &rec, &err), 0);
	assert_int_equal(csv_reader_offset(r), strlen(data));
	csv_reader_free(r);
}

static void large_field_and_limits(void **state)
{
	(void)state;
	size_t big = 1u << 20;
	char *data = malloc(big + 16);
	data[0] = '"';
	memset(data + 1, 'x', big);
	memcpy(data + 1 + big, "\",y\n", 5);
	struct chunked_source src = {data, strlen(data), 0, 4096};
	struct csv_reader *r = csv_reader_new(chunked_source_read, &src);
	struct csv_record rec;
	struct csv_error err;
	assert_int_equal(csv_reader_next(r, &rec, &err), 1);
	assert_int_equal(rec.fields[0].len, big);
	assert_int_equal(rec.fields[1].len, 1);
	csv_reader_free(r);
	free(data);

	/* An unbalanced quote over a huge file stops at the record bound. */
	size_t huge = (16u << 20) + 100;
	data = malloc(huge + 1);
	memset(data, 'a', huge);
	data[0] = '"';
	data[huge] = '\0';
	src = (struct chunked_source){data, huge, 0, 1 << 20};
	r = csv_reader_new(chunked_source_read, &src);
	assert_int_equal(csv_reader_next(r, &rec, &err), -1);
	assert_non_null(strstr(err.message, "16 MiB"));
	assert_true(csv_reader_failed(r));
	assert_int_equal(csv_reader_next(r, &rec, &err), 0);
	csv_reader_free(r);
	free(data);
}

static void random_bytes_never_crash(void **state)
{
	(void)state;
	srand(7);
	for (int round = 0; round < 200; round++) {
		size_t len = (size_t)(rand() % 2000);
		char *data = malloc(len + 1);
		for (size_t i = 0; i < len; i++) {
			static const char alphabet[] = "ab,\"\r\n\xc3\xa9\xff ";
			data[i] = alphabet[rand() % (sizeof(alphabet) - 1)];
		}
		data[len] = '\0';
		struct chunked_source src = {data, len, 0, (size_t)(rand() % 50 + 1)};
		struct csv_reader *r = csv_reader_new(chunked_source_read, &src);
		struct csv_record rec;
		struct csv_error err;
		int rc, guard = 0;
		while ((rc = csv_reader_next(r, &rec, &err)) != 0 && guard++ < 100000) {
			if (rc > 0)
				for (size_t i = 0; i < rec.count; i++)
					assert_true(rec.fields[i].len <= len);
		}
		assert_true(guard < 100000);
		csv_reader_free(r);
		free(data);
	}
}

static ssize_t failing_read(void *ctx, char *buf, size_t size)
{
	(void)ctx;
	(void)buf;
	(void)size;
	return -1;
}

static void read_errors_are_reported(void **state)
{
	(void)state;
	struct csv_reader *r = csv_reader_new(failing_read, NULL);
	struct csv_record rec;
	struct csv_error err;
	assert_int_equal(csv_reader_next(r, &rec, &err), -1);
	assert_non_null(strstr(err.message, "reading"));
	assert_int_equal(csv_reader_next(r, &rec, &err), 0);
	csv_reader_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_records),
		cmocka_unit_test(quoting),
		cmocka_unit_test(bom_and_blank_lines),
		cmocka_unit_test(errors_carry_line_and_column),
		cmocka_unit_test(field_positions),
		cmocka_unit_test(large_field_and_limits),
		cmocka_unit_test(random_bytes_never_crash),
		cmocka_unit_test(read_errors_are_reported),
	};
	return cmocka_run_group_tests_name("csv reader", tests, NULL, NULL);
}
