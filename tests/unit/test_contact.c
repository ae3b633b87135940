/* Unit tests of the contact validator, value rules, packing and the JSON
 * writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "model/contact.h"

static struct db_limits limits;

static void make_schema(struct contact_schema *s)
{
	json_t *doc = json_loads(
		"{\"trimWhitespace\":true,\"columnDefinitions\":[{\"name\":\"Name\",\"type\":"
		"\"text\","
		"\"required\":true},{\"name\":\"Phone\",\"type\":\"phone\",\"required\":false},"
		"{\"name\":\"Mail\",\"type\":\"email\"},{\"name\":\"Age\",\"type\":\"numeric\"},"
		"{\"name\":\"Seen\",\"type\":\"timestamp\"}],\"columnDataTypeSpecifications\":[{"
		"\"columnName\":\"Age\",\"columnDataType\":\"NUMERIC\",\"min\":0,\"max\":120},"
		"{\"columnName\":\"Name\",\"columnDataType\":\"TEXT\",\"maxLength\":10}]}",
		0, NULL);
	assert_non_null(doc);
	assert_int_equal(contact_schema_init(s, doc, &limits), 0);
	json_decref(doc);
}

static void phones(void **state)
{
	(void)state;
	static const char *const good[] = {"+15551234567",
					   "+44 20 7946 0018",
					   "(555) 123-4567",
					   "555.123.4567",
					   "1234567",
					   "+123456789012345",
					   NULL};
	static const char *const bad[] = {"",
					  "123456",
					  "+1234567",
					  "1234567890123456",
					  "+1234567890123456",
					  "555-12ab",
					  "++15551234567",
					  "555 123 4567 x12",
					  NULL};
	for (const char *const *p = good; *p; p++)
		if (!contact_is_phone(*p, strlen(*p)))
			fail_msg("%s should be a phone number", *p);
	for (const char *const *p = bad; *p; p++)
		if (contact_is_phone(*p, strlen(*p)))
			fail_msg("%s should not be a phone number", *p);
}

/* Phone numbers a spreadsheet or pandas turned into numbers are refused
 * with a hint that says so; every form of a real number stays accepted. */
static void phones_rewritten_as_numbers(void **state)
{
	(void)state;
	static const struct {
		const char *value, *kind;
	} rewritten[] = {
		{"15550100401.0", "(a decimal)"},
		{"4155550101.00", "(a decimal)"},
		{"15550100401.000", "(a decimal)"},
		{"+15550100401.0", "(a decimal)"},
		{"-4155550101.0", "(a decimal)"},
		{"4.155550123E+9", "(scientific notation)"},
		{"1.5550100401e10", "(scientific notation)"},
		{"1.5550100401E10", "(scientific notation)"},
		{"4.155550123e+09", "(scientific notation)"},
		{"+1.5550100401E+10", "(scientific notation)"},
		{"-1.5550100401e10", "(scientific notation)"},
		{"15550100401E0", "(scientific notation)"},
		{"1.55501E+10", "(scientific notation, digits lost)"},
		{"4.2E9", "(scientific notation, digits lost)"},
		{"1e10", "(scientific notation, digits lost)"},
	};
	for (size_t i = 0; i < sizeof(rewritten) / sizeof(rewritten[0]); i++) {
		const char *v = rewritten[i].value;
		if (contact_is_phone(v, strlen(v)))
			fail_msg("%s should not be a phone number", v);
		const char *hint = contact_phone_hint(v, strlen(v));
		if (!hint || !strstr(hint, rewritten[i].kind) || !strstr(hint, "dtype=str") ||
		    strncmp(hint, " looks rewritten by a spreadsheet or pandas ", 44) != 0)
			fail_msg("%s: hint %s, want one with %s", v, hint ? hint : "NULL",
				 rewritten[i].kind);
	}
	static const char *const still_phones[] = {"+15550100401",	"(317) 555-4012",
						   "555.010.0401",	"555.0100",
						   "555.010.0400",	"+1.555.010.0401",
						   "15550100401",	"1 555 010 0401",
						   "0044 20 7946 0018", "5550100.5",
						   "-5550100401",	"555-0100.00",
						   "(555) 0100.0",	NULL};
	for (const char *const *p = still_phones; *p; p++) {
		if (!contact_is_phone(*p, strlen(*p)))
			fail_msg("%s should be a phone number", *p);
	}
	/* Not phone numbers, and not numbers either: no hint. */
	static const char *const other[] = {"12ab",   "555.0", "1.5e",	"e10",	 "1.5e10x",
					    "1,5e10", "",      ".5e10", "1.5E+", NULL};
	for (const char *const *p = other; *p; p++) {
		if (contact_is_phone(*p, strlen(*p)))
			fail_msg("%s should not be a phone number", *p);
		if (contact_phone_hint(*p, strlen(*p)))
			fail_msg("%s should have no hint", *p);
	}
}

static void emails(void **state)
{
	(void)state;
	static const char *const good[] = {"a@b.co", "first.last+tag@sub.example.org",
					   "\xc3\xa9@exa\xc3\xb1o.es", "o'brien@x.ie", NULL};
	static const char *const bad[] = {"",	     "a",	 "a@",	    "@b.co",   "a@b",
					  "a@@b.co", "a b@c.de", ".a@b.co", "a.@b.co", "a..b@c.de",
					  "a@-b.co", "a@b-.co",	 "a@b..co", NULL};
	for (const char *const *p = good; *p; p++)
		if (!contact_is_email(*p, strlen(*p)))
			fail_msg("%s should be an e-mail address", *p);
	for (const char *const *p = bad; *p; p++)
		if (contact_is_email(*p, strlen(*p)))
			fail_msg("%s should not be an e-mail address", *p);
}

static void numbers_and_timestamps(void **state)
{
	(void)state;
	double d;
	assert_true(contact_is_number("12", 2, &d) && d == 12);
	assert_true(contact_is_number("-1.5e3", 6, &d) && d == -1500);
	assert_true(contact_is_number(".5", 2, &d));
	assert_false(contact_is_number("1e", 2, &d));
	assert_false(contact_is_number("1,5", 3, &d));
	assert_false(contact_is_number("nan", 3, &d));
	assert_false(contact_is_number("1e999", 5, &d));
	assert_false(contact_is_number("", 0, &d));
	static const char *const good[] = {"2024-02-29",
					   "2024-05-31T09:30:00Z",
					   "2024-05-31 09:30",
					   "2024-05-31T09:30:00.123456789+02:00",
					   "2000-02-29T23:59:60-0530",
					   NULL};
	static const char *const bad[] = {"2023-02-29",
					  "2024-13-01",
					  "2024-04-31",
					  "2024-05-31T24:00",
					  "2024-05-31T09:30:00.",
					  "31/05/2024",
					  "2024-05-31T09:30Zjunk",
					  "2024-05-31T09:30+25:00",
					  NULL};
	for (const char *const *p = good; *p; p++)
		if (!contact_is_timestamp(*p, strlen(*p)))
			fail_msg("%s should be a timestamp", *p);
	for (const char *const *p = bad; *p; p++)
		if (contact_is_timestamp(*p, strlen(*p)))
			fail_msg("%s should not be a timestamp", *p);
}

static void value_checks_name_the_problem(void **state)
{
	(void)state;
	struct contact_schema s;
	make_schema(&s);
	char why[160];
	assert_int_equal(contact_schema_find(&s, "phone", 5), 1);
	assert_int_equal(contact_schema_find(&s, "nope", 4), -1);
	assert_int_equal(contact_value_check(&s, 0, "", 0, why, sizeof(why)), -1);
	assert_string_equal(why, "required value is blank");
	assert_int_equal(contact_value_check(&s, 0, "abcdefghijk", 11, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "allows 10"));
	assert_int_equal(contact_value_check(&s, 1, "12ab", 4, why, sizeof(why)), -1);
	assert_string_equal(why, "not a phone number: \"12ab\"");
	assert_int_equal(contact_value_check(&s, 1, "", 0, why, sizeof(why)), 0);
	assert_int_equal(contact_value_check(&s, 3, "121", 3, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "outside the column's range"));
	assert_int_equal(contact_value_check(&s, 4, "2024-02-30", 10, why, sizeof(why)), -1);
	char big[600];
	memset(big, 'x', sizeof(big));
	assert_int_equal(contact_value_check(&s, 2, big, 513, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "limit is 512"));
	const char *v = "  padded\t";
	size_t len = contact_value_trim(&s, &v, strlen(v));
	assert_int_equal(len, 6);
	assert_memory_equal(v, "padded", 6);
	contact_schema_release(&s);
}

static void packing_round_trips_and_refuses_damage(void **state)
{
	(void)state;
	char *values[] = {"", "a", "\xc3\xa9t\xc3\xa9", NULL};
	char big[300];
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	values[3] = big;
	size_t lens[] = {0, 1, 5, 299}, len;
	char *packed = contact_pack(values, lens, 4, &len);
	char *out[4];
	assert_int_equal(contact_unpack(packed, len, 4, out), 0);
	for (int i = 0; i < 4; i++) {
		assert_string_equal(out[i], values[i]);
		free(out[i]);
	}
	assert_int_equal(contact_unpack(packed, len - 1, 4, out), -1); /* truncated */
	assert_int_equal(contact_unpack(packed, len, 3, out), -1);     /* trailing bytes */
	assert_int_equal(contact_unpack("\xff\xff\xff\xff\xff\xff", 6, 1, out), -1);
	free(packed);
}

static void parse_and_write_json(void **state)
{
	(void)state;
	struct contact_schema s;
	make_schema(&s);
	json_t *body = json_loads(
		"{\"id\":\"c\\\"1\",\"contactListId\":\"L\",\"callable\":false,\"name\":\"N\","
		"\"data\":{\"name\":\" Ann\\u0001\\n \",\"PHONE\":\"5551234567\"},"
		"\"phoneNumberStatus\":{\"phone\":{\"callable\":false}}}",
		0, NULL);
	struct contact c;
	struct problem p;
	problem_init(&p);
	assert_int_equal(contact_parse(body, &s, "L", "", &c, &p), 0);
	assert_string_equal(c.values[0], "Ann\x01\n"); /* spaces and tabs trimmed only */
	assert_string_equal(c.values[1], "5551234567");
	assert_string_equal(c.values[2], "");
	c.date_created = 0;
	struct strbuf out = {0};
	contact_write_json(&out, &c, &s, "L");
	json_error_t err;
	json_t *back = json_loads(out.data, 0, &err);
	if (!back)
		fail_msg("writer produced invalid JSON: %s: %s", err.text, out.data);
	assert_string_equal(json_string_value(json_object_get(back, "id")), "c\"1");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(back, "data"), "Name")),
		"Ann\x01\n");
	assert_true(json_is_false(json_object_get(back, "callable")));
	assert_string_equal(json_string_value(json_object_get(back, "name")), "N");
	assert_string_equal(json_string_value(json_object_get(back, "selfUri")),
			    "/api/v2/outbound/contactlists/L/contacts/c%221"); /* one segment */
	assert_string_equal(json_string_value(json_object_get(back, "dateCreated")),
			    "1970-01-01T00:00:00.000Z");
	const char *first = json_object_iter_key(json_object_iter(back));
	assert_string_equal(first, "id"); /* table order */
	json_decref(back);
	strbuf_release(&out);
	contact_release(&c, s.count);
	json_decref(body);

	body = json_loads("{\"contactListId\":\"L\",\"data\":{\"Name\":\"a\",\"name\":\"b\"}}", 0,
			  NULL);
	assert_int_equal(contact_parse(body, &s, "L", "[2]", &c, &p), -1);
	assert_non_null(strstr(p.message, "a second time"));
	assert_non_null(strstr(p.message, "[2].data."));
	problem_release(&p);
	json_decref(body);
	contact_schema_release(&s);
}

int main(void)
{
	db_limits_init(&limits);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(phones),
		cmocka_unit_test(phones_rewritten_as_numbers),
		cmocka_unit_test(emails),
		cmocka_unit_test(numbers_and_timestamps),
		cmocka_unit_test(value_checks_name_the_problem),
		cmocka_unit_test(packing_round_trips_and_refuses_damage),
		cmocka_unit_test(parse_and_write_json),
	};
	return cmocka_run_group_tests_name("contact", tests, NULL, NULL);
}
