/* libdialbook's validation API (dialbook_validate_*) through the shared
 * library, as a program or Python's ctypes sees it: problems with their
 * line, column, field, byte offset and code; bad input refused clearly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dialbook/dialbook.h"

static const char list[] = "{\"name\":\"t\",\"columnDefinitions\":["
			   "{\"name\":\"id\"},"
			   "{\"name\":\"phone\",\"type\":\"phone\",\"required\":true},"
			   "{\"name\":\"email\",\"type\":\"email\"}]}";

static struct dialbook_validator *open_ok(const char *id_name, size_t max)
{
	struct dialbook_validate_options opt = {.contact_id_name = id_name, .max_problems = max};
	struct dialbook_validator *v = NULL;
	struct dialbook_error err;
	assert_int_equal(dialbook_validate_open(list, &opt, &v, &err), DIALBOOK_OK);
	assert_non_null(v);
	return v;
}

static struct dialbook_validate_summary check(struct dialbook_validator *v, const char *text)
{
	struct dialbook_error err;
	assert_int_equal(dialbook_validate_bytes(v, text, strlen(text), &err), DIALBOOK_OK);
	struct dialbook_validate_summary s;
	dialbook_validate_summary(v, &s);
	return s;
}

static void a_clean_file_has_no_problem(void **state)
{
	(void)state;
	struct dialbook_validator *v = open_ok(NULL, 0);
	struct dialbook_validate_summary s =
		check(v, "id,phone,email\n1,+15551234567,a@example.com\n2,5551234567,\n");
	assert_true(s.header_ok);
	assert_int_equal(s.rows, 2);
	assert_int_equal(s.valid, 2);
	assert_int_equal(s.invalid + s.errors + s.warnings + s.kept, 0);
	assert_null(dialbook_validate_problem(v, 0));
	dialbook_validate_free(v);
}

static void a_float_phone_is_placed_and_explained(void **state)
{
	(void)state;
	struct dialbook_validator *v = open_ok(NULL, 0);
	const char *text = "id,phone,email\n1,+15551234567,\n2,5551234567.0,b@example.com\n";
	struct dialbook_validate_summary s = check(v, text);
	assert_int_equal(s.rows, 2);
	assert_int_equal(s.invalid, 1);
	assert_int_equal(s.errors, 1);
	const struct dialbook_problem *p = dialbook_validate_problem(v, 0);
	assert_non_null(p);
	assert_string_equal(p->severity, "error");
	assert_string_equal(p->code, "INVALID_VALUE");
	assert_string_equal(p->field_name, "phone");
	assert_int_equal(p->field_index, 1);
	assert_int_equal(p->line, 3);
	assert_int_equal(p->column, 3);
	assert_int_equal(p->offset, (uint64_t)(strstr(text, "5551234567.0") - text));
	assert_non_null(strstr(p->message, "not a phone number: \"5551234567.0\""));
	assert_non_null(strstr(p->message, "spreadsheet or pandas (a decimal)"));
	assert_null(dialbook_validate_problem(v, 1));
	dialbook_validate_free(v);
}

static void header_problems_carry_the_imports_reason(void **state)
{
	(void)state;
	struct dialbook_validator *v = open_ok(NULL, 0);
	struct dialbook_validate_summary s = check(v, "id,email\n1,a@example.com\n");
	assert_false(s.header_ok);
	const struct dialbook_problem *p = dialbook_validate_problem(v, 0);
	assert_string_equal(p->code, "MISSING_COLUMNS");
	assert_non_null(strstr(p->message, "phone"));
	assert_int_equal(p->field_index, -1);
	assert_null(p->field_name);

	s = check(v, "");
	assert_string_equal(dialbook_validate_problem(v, 0)->code, "EMPTY_FILE");
	assert_int_equal(s.kept, 1); /* the earlier call's problems are dropped */
	dialbook_validate_free(v);
}

static void warnings_for_ignored_columns_and_blank_rows(void **state)
{
	(void)state;
	struct dialbook_validator *v = open_ok(NULL, 0);
	const char *text = "id,phone,email,notes\n1,+15551234567,,x\n\n";
	struct dialbook_validate_summary s = check(v, text);
	assert_true(s.header_ok);
	assert_int_equal(s.warnings, 2);
	assert_int_equal(s.errors, 0);
	assert_int_equal(s.blank, 1);
	const struct dialbook_problem *p = dialbook_validate_problem(v, 0);
	assert_string_equal(p->code, "IGNORED_COLUMN");
	assert_string_equal(p->severity, "warning");
	assert_string_equal(p->field_name, "notes");
	assert_int_equal(p->field_index, 3);
	assert_int_equal(p->offset, strlen("id,phone,email,"));
	p = dialbook_validate_problem(v, 1);
	assert_string_equal(p->code, "BLANK_ROW");
	assert_int_equal(p->line, 3);
	dialbook_validate_free(v);
}

static void records_the_reader_cannot_split(void **state)
{
	(void)state;
	struct dialbook_validator *v = open_ok(NULL, 0);
	struct dialbook_validate_summary s =
		check(v, "id,phone,email\n1,+1555\"1234567,\n2,+15551234567\n3,\"+15551234567\n");
	assert_int_equal(s.rows, 3);
	assert_int_equal(s.invalid, 3);
	assert_string_equal(dialbook_validate_problem(v, 0)->code, "INVALID_RECORD");
	assert_int_equal(dialbook_validate_problem(v, 0)->line, 2);
	assert_string_equal(dialbook_validate_problem(v, 1)->code, "INVALID_ROW");
	assert_int_equal(dialbook_validate_problem(v, 1)->field_index, -1);
	assert_string_equal(dialbook_validate_problem(v, 2)->code, "INVALID_FILE");
	dialbook_validate_free(v);
}

static void repeated_ids_with_a_contact_id_column(void **state)
{
	(void)state;
	struct dialbook_validator *v = open_ok("id", 0);
	struct dialbook_validate_summary s =
		check(v, "id,phone,email\n7,+15551234567,\n8,+15551234568,\n7,+15551234569,\n");
	assert_int_equal(s.errors, 1);
	const struct dialbook_problem *p = dialbook_validate_problem(v, 0);
	assert_string_equal(p->code, "DUPLICATE_CONTACT_ID");
	assert_int_equal(p->line, 4);
	assert_string_equal(p->field_name, "id");
	assert_non_null(strstr(p->message, "repeats line 2"));
	dialbook_validate_free(v);
}

static void problems_kept_are_bounded_all_are_counted(void **state)
{
	(void)state;
	struct dialbook_validator *v = open_ok(NULL, 3);
	char text[4096] = "id,phone,email\n";
	for (int i = 0; i < 50; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "%d,x%d,\n", i, i);
	struct dialbook_validate_summary s = check(v, text);
	assert_int_equal(s.errors, 50);
	assert_int_equal(s.invalid, 50);
	assert_int_equal(s.kept, 3);
	assert_non_null(dialbook_validate_problem(v, 2));
	assert_null(dialbook_validate_problem(v, 3));
	dialbook_validate_free(v);
}

static void a_file_with_a_bom_and_its_offsets(void **state)
{
	(void)state;
	char path[] = "/tmp/dialbook-validate-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char text[] = "\xEF\xBB\xBFid,phone,email\n1,12ab,\n";
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)(sizeof(text) - 1));
	close(fd);
	struct dialbook_validator *v = open_ok(NULL, 0);
	struct dialbook_error err;
	assert_int_equal(dialbook_validate_path(v, path, &err), DIALBOOK_OK);
	unlink(path);
	struct dialbook_validate_summary s;
	dialbook_validate_summary(v, &s);
	assert_true(s.byte_order_mark);
	const struct dialbook_problem *p = dialbook_validate_problem(v, 0);
	assert_int_equal(p->offset, (uint64_t)(strstr(text, "12ab") - text));
	dialbook_validate_free(v);
}

static void a_file_that_cannot_be_read(void **state)
{
	(void)state;
	struct dialbook_validator *v = open_ok(NULL, 0);
	struct dialbook_error err;
	assert_int_equal(dialbook_validate_path(v, "/nonexistent/c.csv", &err), DIALBOOK_EIO);
	assert_int_equal(err.code, DIALBOOK_EIO);
	assert_string_equal(err.message, "/nonexistent/c.csv: No such file or directory");
	assert_int_equal(dialbook_validate_path(v, NULL, &err), DIALBOOK_EINVAL);
	assert_int_equal(dialbook_validate_bytes(v, NULL, 3, &err), DIALBOOK_EINVAL);
	dialbook_validate_free(v);
	dialbook_validate_free(NULL);
}

static void bad_definitions_are_refused_naming_why(void **state)
{
	(void)state;
	struct dialbook_validator *v = (struct dialbook_validator *)1;
	struct dialbook_error err;
	assert_int_equal(dialbook_validate_open("{\"name\": ", NULL, &v, &err), DIALBOOK_EINVAL);
	assert_null(v);
	assert_non_null(strstr(err.message, "list definition:1:"));
	assert_non_null(strstr(err.message, "not valid JSON"));
	assert_int_equal(
		dialbook_validate_open("{\"name\": \"x\", \"columnNames\": 5}", NULL, &v, &err),
		DIALBOOK_EINVAL);
	assert_non_null(strstr(err.message, "not a contact list definition"));
	assert_non_null(strstr(err.message, "columnNames"));
	struct dialbook_validate_options opt = {.encoding = "no-such-encoding"};
	assert_int_equal(dialbook_validate_open(list, &opt, &v, &err), DIALBOOK_EINVAL);
	assert_string_equal(err.message, "encoding no-such-encoding: not an encoding iconv knows");
	assert_int_equal(dialbook_validate_open(NULL, NULL, &v, NULL), DIALBOOK_EINVAL);
}

static void another_encoding_is_converted(void **state)
{
	(void)state;
	struct dialbook_validate_options opt = {.encoding = "windows-1252"};
	struct dialbook_validator *v;
	assert_int_equal(dialbook_validate_open(list, &opt, &v, NULL), DIALBOOK_OK);
	struct dialbook_validate_summary s = check(v, "id,phone,email\n1,+15551234567,\xe9t\xe9\n");
	assert_int_equal(s.errors, 1); /* "été" is no e-mail address, but it was read as text */
	assert_non_null(strstr(dialbook_validate_problem(v, 0)->message, "\xc3\xa9t\xc3\xa9"));
	dialbook_validate_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_clean_file_has_no_problem),
		cmocka_unit_test(a_float_phone_is_placed_and_explained),
		cmocka_unit_test(header_problems_carry_the_imports_reason),
		cmocka_unit_test(warnings_for_ignored_columns_and_blank_rows),
		cmocka_unit_test(records_the_reader_cannot_split),
		cmocka_unit_test(repeated_ids_with_a_contact_id_column),
		cmocka_unit_test(problems_kept_are_bounded_all_are_counted),
		cmocka_unit_test(a_file_with_a_bom_and_its_offsets),
		cmocka_unit_test(a_file_that_cannot_be_read),
		cmocka_unit_test(bad_definitions_are_refused_naming_why),
		cmocka_unit_test(another_encoding_is_converted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
