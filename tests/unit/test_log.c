/* Unit tests of the log's JSON format (common/log.c): each key=value line
 * log_event writes becomes one JSON object with the same keys and values,
 * whatever the values hold. Parsed back with jansson. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"

/* The JSON of one logfmt line, parsed; fails the test when it is not
 * one valid object. */
static json_t *convert(const char *line)
{
	char out[8192];
	size_t n = log_line_to_json(line, strlen(line), out, sizeof(out));
	assert_int_equal(n, strlen(out));
	json_error_t err;
	json_t *v = json_loads(out, JSON_REJECT_DUPLICATES, &err);
	if (!v)
		fail_msg("not JSON: %s (%s)", out, err.text);
	assert_true(json_is_object(v));
	return v;
}

static void numbers_are_numbers_and_the_rest_strings(void **state)
{
	(void)state;
	json_t *v = convert("ts=2026-01-02T03:04:05.678Z level=info event=request status=200 "
			    "duration_ms=1.250 bytes=-3 port=08080 id=1e5 ok=true no=false "
			    "v=1. addr=127.0.0.1 quoted=\"42\"");
	assert_string_equal(json_string_value(json_object_get(v, "ts")),
			    "2026-01-02T03:04:05.678Z");
	assert_string_equal(json_string_value(json_object_get(v, "level")), "info");
	assert_string_equal(json_string_value(json_object_get(v, "event")), "request");
	assert_int_equal(json_integer_value(json_object_get(v, "status")), 200);
	assert_true(json_is_real(json_object_get(v, "duration_ms")));
	assert_int_equal(json_integer_value(json_object_get(v, "bytes")), -3);
	assert_string_equal(json_string_value(json_object_get(v, "port")), "08080");
	assert_string_equal(json_string_value(json_object_get(v, "id")), "1e5");
	assert_true(json_is_true(json_object_get(v, "ok")));
	assert_true(json_is_false(json_object_get(v, "no")));
	assert_string_equal(json_string_value(json_object_get(v, "v")), "1.");
	assert_string_equal(json_string_value(json_object_get(v, "addr")), "127.0.0.1");
	assert_string_equal(json_string_value(json_object_get(v, "quoted")), "42");
	/* The keys keep their order: ts and level first. */
	assert_string_equal(json_object_iter_key(json_object_iter(v)), "ts");
	json_decref(v);
}

static void escapes_are_undone_and_redone(void **state)
{
	(void)state;
	json_t *v = convert("event=x error=\"say \\\"hi\\\" \\\\ back\\nslash\\t\" "
			    "path=/a\\x20b\\x01c name=\"\xc3\xa9t\xc3\xa9\" bad=\\xC3x "
			    "sep=\\xE2\\x80\\xA8 empty= q=\"\"");
	assert_string_equal(json_string_value(json_object_get(v, "error")),
			    "say \"hi\" \\ back\nslash\t");
	assert_string_equal(json_string_value(json_object_get(v, "path")), "/a b\x01"
									   "c");
	assert_string_equal(json_string_value(json_object_get(v, "name")), "\xc3\xa9t\xc3\xa9");
	/* A byte that is not UTF-8 keeps the text format's spelling. */
	assert_string_equal(json_string_value(json_object_get(v, "bad")), "\\xC3x");
	assert_string_equal(json_string_value(json_object_get(v, "sep")), "\xe2\x80\xa8");
	assert_string_equal(json_string_value(json_object_get(v, "empty")), "");
	assert_string_equal(json_string_value(json_object_get(v, "q")), "");
	json_decref(v);
	/* U+2028 and controls are escaped in the JSON text itself. */
	char out[256];
	const char line[] = "sep=\\xE2\\x80\\xA8 c=\\x7F";
	log_line_to_json(line, strlen(line), out, sizeof(out));
	assert_string_equal(out, "{\"sep\":\"\\u2028\",\"c\":\"\\u007f\"}");
}

static void odd_lines_still_give_one_object(void **state)
{
	(void)state;
	/* A word without '=', an unterminated quote, a cut escape. */
	json_t *v = convert("hello event=x msg2=\"open to the end");
	assert_string_equal(json_string_value(json_object_get(v, "msg")), "hello");
	assert_string_equal(json_string_value(json_object_get(v, "msg2")), "open to the end");
	json_decref(v);
	v = convert("a=1 b=\\x4");
	assert_string_equal(json_string_value(json_object_get(v, "b")), "x4");
	json_decref(v);
	v = convert("");
	assert_int_equal(json_object_size(v), 0);
	json_decref(v);
}

static void a_line_too_long_is_cut_between_fields(void **state)
{
	(void)state;
	char out[64];
	const char line[] = "event=long a=1 b=\"0123456789012345678901234567890123456789\"";
	size_t n = log_line_to_json(line, strlen(line), out, sizeof(out));
	assert_true(n < sizeof(out));
	json_t *v = json_loads(out, 0, NULL);
	assert_non_null(v);
	assert_int_equal(json_integer_value(json_object_get(v, "a")), 1);
	assert_null(json_object_get(v, "b"));
	assert_true(json_is_true(json_object_get(v, "truncated")));
	json_decref(v);
}

/* log_event itself, in JSON: the line on stderr parses, with the values
 * the call site gave, however hostile. */
static void log_event_writes_json_lines(void **state)
{
	(void)state;
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	int saved = dup(STDERR_FILENO);
	dup2(fileno(tmp), STDERR_FILENO);
	log_set_format(LOG_FORMAT_JSON);
	log_info("event=test n=%d ratio=%.2f who=%s said=\"%s\"", 7, 0.5, "a b\n\"c\"",
		 "line\nbreak \xff \\ end");
	log_set_format(LOG_FORMAT_TEXT);
	dup2(saved, STDERR_FILENO);
	close(saved);
	char buf[4096] = {0};
	rewind(tmp);
	size_t n = fread(buf, 1, sizeof(buf) - 1, tmp);
	fclose(tmp);
	assert_true(n > 0 && buf[n - 1] == '\n');
	assert_null(memchr(buf, '\n', n - 1)); /* one line */
	json_t *v = json_loads(buf, 0, NULL);
	assert_non_null(v);
	assert_string_equal(json_string_value(json_object_get(v, "level")), "info");
	assert_string_equal(json_string_value(json_object_get(v, "event")), "test");
	assert_int_equal(json_integer_value(json_object_get(v, "n")), 7);
	assert_true(json_real_value(json_object_get(v, "ratio")) == 0.5);
	assert_string_equal(json_string_value(json_object_get(v, "who")), "a b\n\"c\"");
	assert_string_equal(json_string_value(json_object_get(v, "said")),
			    "line\nbreak \\xFF \\ end");
	json_decref(v);
}

static void format_names(void **state)
{
	(void)state;
	enum log_format f;
	assert_int_equal(log_format_parse("json", &f), 0);
	assert_int_equal(f, LOG_FORMAT_JSON);
	assert_int_equal(log_format_parse("text", &f), 0);
	assert_int_equal(f, LOG_FORMAT_TEXT);
	assert_int_equal(log_format_parse("JSON", &f), -1);
	assert_int_equal(log_format_parse("", &f), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbers_are_numbers_and_the_rest_strings),
		cmocka_unit_test(escapes_are_undone_and_redone),
		cmocka_unit_test(odd_lines_still_give_one_object),
		cmocka_unit_test(a_line_too_long_is_cut_between_fields),
		cmocka_unit_test(log_event_writes_json_lines),
		cmocka_unit_test(format_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
