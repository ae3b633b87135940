/* Unit tests of the contact list model: field-table validation, the two
 * column views, update rules and the JSON codec. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "model/contactlist.h"
#include "model/job_state.h"
#include "model/system_columns.h"

static struct db_limits limits;

/* Parses `text` as a create (or update against `cur`); returns 0 or the status. */
static int parse(const char *text, enum field_mode mode, const struct contact_list *cur,
		 struct contact_list_input *in, struct problem *p)
{
	json_error_t err;
	json_t *body = json_loads(text, 0, &err);
	assert_non_null(body);
	problem_init(p);
	int rc = contact_list_parse(body, mode, &limits, cur, in, p);
	json_decref(body);
	return rc == 0 ? 0 : p->status;
}

static void expect_refusal(const char *text, int status, const char *code, const char *needle)
{
	struct contact_list_input in;
	struct problem p;
	assert_int_equal(parse(text, FIELD_CREATE, NULL, &in, &p), status);
	assert_string_equal(p.code, code);
	if (!strstr(p.message, needle))
		fail_msg("message \"%s\" lacks \"%s\"", p.message, needle);
	assert_null(in.doc); /* nothing half-built survives a refusal */
	problem_release(&p);
}

static void read_only_fields_get_one_detail_each(void **state)
{
	(void)state;
	struct contact_list_input in;
	struct problem p;
	assert_int_equal(parse("{\"name\":\"a\",\"columnNames\":[\"x\"],\"contactListId\":\"1\","
			       "\"selfUri\":\"/x\"}",
			       FIELD_CREATE, NULL, &in, &p),
			 400);
	assert_string_equal(p.code, "invalid.value");
	assert_int_equal(json_array_size(p.details), 2);
	assert_string_equal(
		json_string_value(json_object_get(json_array_get(p.details, 0), "fieldName")),
		"contactListId");
	assert_non_null(strstr(p.message, "remove them"));
	problem_release(&p);
}

static void contact_list_id_message_is_the_documented_one(void **state)
{
	(void)state;
	expect_refusal("{\"name\":\"a\",\"columnNames\":[\"x\"],\"contactListId\":\"1\"}", 400,
		       "invalid.value",
		       "contactListId is assigned by the server and cannot be supplied when "
		       "creating a contact list; remove it from the request body");
}

static void unknown_properties_are_named(void **state)
{
	(void)state;
	expect_refusal("{\"name\":\"a\",\"columnName\":[\"x\"]}", 400, "invalid.property",
		       "did you mean columnNames");
	expect_refusal("{\"name\":\"a\",\"columnNames\":[\"x\"],\"emailColumns\":[{\"columnName\":"
		       "\"x\",\"type\":\"w\",\"bogus\":1}]}",
		       400, "invalid.property", "emailColumns[0].bogus");
}

static void types_lengths_and_enums(void **state)
{
	(void)state;
	expect_refusal("{\"name\":1,\"columnNames\":[\"x\"]}", 400, "invalid.value",
		       "name must be a string, not an integer");
	expect_refusal("{\"name\":\"a\",\"columnNames\":[\"x\"],\"status\":\"on\"}", 400,
		       "invalid.value", "Allowable values are: ACTIVE, INACTIVE");
	/* A value of the wrong type gets the same help. */
	expect_refusal("{\"name\":\"a\",\"columnNames\":[\"x\"],\"status\":1}", 400,
		       "invalid.value",
		       "status must be a string, not an integer. Allowable values are: ACTIVE, "
		       "INACTIVE");
	expect_refusal("{\"name\":\"a\",\"columnNames\":[\"x\"],\"status\":true}", 400,
		       "invalid.value", "Allowable values are: ACTIVE, INACTIVE");
	expect_refusal("{\"name\":\"a\",\"columnNames\":[\"x\"],\"trimWhitespace\":1}", 400,
		       "invalid.value", "must be a boolean");
	expect_refusal("{\"name\":\"a\\u0001\",\"columnNames\":[\"x\"]}", 400, "invalid.value",
		       "control character");
	expect_refusal("{\"name\":\"   \",\"columnNames\":[\"x\"]}", 400, "invalid.value",
		       "must not be blank");
	expect_refusal("{\"columnNames\":[\"x\"]}", 400, "invalid.value", "name is required");
}

static void column_rules(void **state)
{
	(void)state;
	expect_refusal("{\"name\":\"a\"}", 400, "invalid.value", "columnNames is required");
	expect_refusal("{\"name\":\"a\",\"columnNames\":[]}", 400, "invalid.value",
		       "at least one column");
	expect_refusal("{\"name\":\"a\",\"columnNames\":[\"x\",\"X\"]}", 400, "invalid.value",
		       "unique");
	expect_refusal("{\"name\":\"a\",\"columnNames\":[\"x\"],\"phoneColumns\":[{\"columnName\":"
		       "\"y\",\"type\":\"cell\"}]}",
		       400, "invalid.value", "not in columnNames");
	expect_refusal("{\"name\":\"a\",\"columnNames\":[\"x\"],\"zipCodeColumnName\":\"x\"}", 400,
		       "invalid.value", "automaticTimeZoneMapping");
	char big[4096] = "{\"name\":\"a\",\"columnNames\":[";
	for (int i = 0; i < 51; i++) {
		char col[16];
		snprintf(col, sizeof(col), "%s\"c%d\"", i ? "," : "", i);
		strncat(big, col, sizeof(big) - strlen(big) - 1);
	}
	strncat(big, "]}", sizeof(big) - strlen(big) - 1);
	expect_refusal(big, 400, "invalid.value", "at most 50 columns");
}

static void definitions_derive_the_cloud_view(void **state)
{
	(void)state;
	struct contact_list_input in;
	struct problem p;
	assert_int_equal(
		parse("{\"name\":\"  x  \",\"columnDefinitions\":[{\"name\":\"p\",\"type\":"
		      "\"PHONE\",\"required\":true},{\"name\":\"e\",\"type\":\"email\"},"
		      "{\"name\":\"n\",\"type\":\"numeric\"}]}",
		      FIELD_CREATE, NULL, &in, &p),
		0);
	assert_string_equal(in.name, "x");
	json_t *want = json_loads(
		"{\"name\":\"x\",\"columnDefinitions\":[{\"name\":\"p\",\"type\":\"phone\","
		"\"required\":true},{\"name\":\"e\",\"type\":\"email\",\"required\":false},"
		"{\"name\":\"n\",\"type\":\"numeric\",\"required\":false}],\"columnNames\":[\"p\","
		"\"e\",\"n\"],\"phoneColumns\":[{\"columnName\":\"p\",\"type\":\"cell\"}],"
		"\"emailColumns\":[{\"columnName\":\"e\",\"type\":\"work\"}],"
		"\"columnDataTypeSpecifications\":[{\"columnName\":\"n\",\"columnDataType\":"
		"\"NUMERIC\"}],\"trimWhitespace\":true,\"status\":\"ACTIVE\"}",
		0, NULL);
	assert_true(json_equal(in.doc, want));
	json_decref(want);
	contact_list_input_release(&in);
	problem_release(&p);
}

static void disagreeing_views_are_refused(void **state)
{
	(void)state;
	expect_refusal("{\"name\":\"a\",\"columnNames\":[\"y\"],\"columnDefinitions\":[{\"name\":"
		       "\"x\"}]}",
		       400, "invalid.value", "disagree");
	expect_refusal(
		"{\"name\":\"a\",\"columnDefinitions\":[{\"name\":\"x\",\"type\":\"phone\"}],"
		"\"phoneColumns\":[]}",
		400, "invalid.value", "phoneColumns");
}

static void make_current(struct contact_list *cur)
{
	struct contact_list_input in;
	struct problem p;
	assert_int_equal(parse("{\"name\":\"a\",\"columnNames\":[\"x\",\"y\"],\"phoneColumns\":[{"
			       "\"columnName\":\"x\",\"type\":\"home\"}],\"status\":\"INACTIVE\"}",
			       FIELD_CREATE, NULL, &in, &p),
			 0);
	memset(cur, 0, sizeof(*cur));
	snprintf(cur->id, sizeof(cur->id), "11111111-1111-4111-8111-111111111111");
	snprintf(cur->division_id, sizeof(cur->division_id), "d");
	cur->name = strdup("a");
	cur->version = 3;
	cur->doc = json_incref(in.doc);
	contact_list_input_release(&in);
}

static int update_status(const char *text, const struct contact_list *cur, struct problem *p)
{
	struct contact_list_input in;
	int rc = parse(text, FIELD_UPDATE, cur, &in, p);
	if (rc == 0 && contact_list_check_update(cur, &in, p))
		rc = p->status;
	contact_list_input_release(&in);
	return rc;
}

static void update_rules(void **state)
{
	(void)state;
	struct contact_list cur;
	make_current(&cur);
	struct problem p;
	const char *same = "\"columnNames\":[\"x\",\"y\"],\"phoneColumns\":[{\"columnName\":\"x\","
			   "\"type\":\"home\"}]";
	char body[512];
	snprintf(body, sizeof(body), "{\"name\":\"b\",%s}", same);
	assert_int_equal(update_status(body, &cur, &p), 400);
	assert_non_null(strstr(p.message, "version is required"));
	problem_release(&p);
	snprintf(body, sizeof(body), "{\"name\":\"b\",\"version\":2,%s}", same);
	assert_int_equal(update_status(body, &cur, &p), 409);
	assert_non_null(strstr(p.message, "does not match the current version"));
	problem_release(&p);
	snprintf(body, sizeof(body), "{\"name\":\"b\",\"version\":3,\"id\":\"other\",%s}", same);
	assert_int_equal(update_status(body, &cur, &p), 400);
	assert_string_equal(p.code, "invalid.value");
	problem_release(&p);
	assert_int_equal(
		update_status("{\"name\":\"b\",\"version\":3,\"columnNames\":[\"x\"]}", &cur, &p),
		400);
	assert_string_equal(p.code, "cannot.update.column.names");
	problem_release(&p);
	assert_int_equal(
		update_status("{\"name\":\"b\",\"version\":3,\"columnNames\":[\"x\",\"y\"],"
			      "\"phoneColumns\":[]}",
			      &cur, &p),
		400);
	assert_string_equal(p.code, "cannot.update.phone.columns");
	problem_release(&p);
	/* Left out, a column field keeps its stored value. */
	assert_int_equal(update_status("{\"name\":\"b\",\"version\":3}", &cur, &p), 0);
	problem_release(&p);
	/* Read-only fields are accepted on update and the status extension kept. */
	snprintf(body, sizeof(body),
		 "{\"name\":\"b\",\"version\":3,\"id\":\"%s\",\"dateCreated\":\"x\",%s}", cur.id,
		 same);
	struct contact_list_input in;
	assert_int_equal(parse(body, FIELD_UPDATE, &cur, &in, &p), 0);
	assert_int_equal(contact_list_check_update(&cur, &in, &p), 0);
	assert_string_equal(json_string_value(json_object_get(in.doc, "status")), "INACTIVE");
	assert_null(json_object_get(in.doc, "dateCreated"));
	contact_list_input_release(&in);
	problem_release(&p);
	contact_list_release(&cur);
}

/* The cloud answers "" for a reference it has not got; it means "not set"
 * on create and update, at the top and inside entries. */
static void empty_references_mean_not_set(void **state)
{
	(void)state;
	struct contact_list_input in;
	struct problem p;
	assert_int_equal(parse("{\"name\":\"a\",\"columnNames\":[\"x\",\"t\"],"
			       "\"previewModeColumnName\":\"\","
			       "\"zipCodeColumnName\":\"\",\"automaticTimeZoneMapping\":false,"
			       "\"phoneColumns\":[{\"columnName\":\"x\",\"type\":\"cell\","
			       "\"callableTimeColumnName\":\"\",\"callableTimeColumn\":\"T\"}]}",
			       FIELD_CREATE, NULL, &in, &p),
			 0);
	assert_null(json_object_get(in.doc, "previewModeColumnName"));
	assert_null(json_object_get(in.doc, "zipCodeColumnName"));
	json_t *phone = json_array_get(json_object_get(in.doc, "phoneColumns"), 0);
	assert_null(json_object_get(phone, "callableTimeColumnName"));
	assert_string_equal(json_string_value(json_object_get(phone, "callableTimeColumn")), "t");
	/* Answered as the cloud answers them. */
	struct contact_list cl = {.version = 1, .doc = in.doc, .name = (char *)"a"};
	json_t *out = contact_list_to_json(&cl, NULL);
	assert_string_equal(json_string_value(json_object_get(out, "previewModeColumnName")), "");
	assert_string_equal(json_string_value(json_object_get(out, "zipCodeColumnName")), "");
	assert_int_equal(json_array_size(json_object_get(out, "whatsAppColumns")), 0);
	assert_true(json_is_false(json_object_get(out, "automaticTimeZoneMapping")));
	json_decref(out);
	contact_list_input_release(&in);
	problem_release(&p);
	/* A required reference is no less required. */
	expect_refusal("{\"name\":\"a\",\"columnNames\":[\"x\"],\"emailColumns\":[{"
		       "\"columnName\":\"\",\"type\":\"w\"}]}",
		       400, "invalid.value", "emailColumns[0].columnName must not be blank");
	expect_refusal("{\"name\":\"a\",\"columnNames\":[\"x\",\"t\",\"u\"],\"phoneColumns\":[{"
		       "\"columnName\":\"x\",\"type\":\"c\",\"callableTimeColumnName\":\"t\","
		       "\"callableTimeColumn\":\"u\"}]}",
		       400, "invalid.value", "name different columns");
}

static void fixed_fields_follow_the_table(void **state)
{
	(void)state;
	struct contact_list cur;
	make_current(&cur);
	json_object_set_new(cur.doc, "automaticTimeZoneMapping", json_true());
	json_object_set_new(cur.doc, "zipCodeColumnName", json_string("y"));
	json_object_set_new(cur.doc, "whatsAppColumns",
			    json_pack("[{s:s,s:s}]", "columnName", "y", "type", "cell"));
	size_t fixed = 0;
	for (const struct field *f = contact_list_fields; f->name; f++) {
		if (!f->fixed)
			continue;
		fixed++;
		/* A fixed field is kept when left out, or a PUT would change it. */
		assert_true(f->flags & F_KEEP);
		assert_non_null(strstr(f->fixed->code, "cannot.update."));
		assert_true(strlen(f->fixed->code) < sizeof(((struct problem *)0)->code));
	}
	assert_int_equal(fixed, 6);
	static const struct {
		const char *body, *code;
	} changes[] = {
		{"\"whatsAppColumns\":[]", "cannot.update.whatsapp.columns"},
		{"\"automaticTimeZoneMapping\":false,\"zipCodeColumnName\":\"\"",
		 "cannot.update.automatic.time.zone.mapping"},
		{"\"zipCodeColumnName\":\"x\"", "cannot.update.zip.code.column"},
		{"\"zipCodeColumnName\":\"\"", "cannot.update.zip.code.column"},
		{"\"emailColumns\":[{\"columnName\":\"y\",\"type\":\"w\"}]",
		 "cannot.update.email.columns"},
	};
	struct problem p;
	for (size_t i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
		char body[256];
		snprintf(body, sizeof(body), "{\"name\":\"a\",\"version\":3,%s}", changes[i].body);
		assert_int_equal(update_status(body, &cur, &p), 400);
		assert_string_equal(p.code, changes[i].code);
		problem_release(&p);
	}
	/* The same value, spelled otherwise or in another order, is no change. */
	assert_int_equal(
		update_status("{\"name\":\"a\",\"version\":3,\"zipCodeColumnName\":\"Y\","
			      "\"whatsAppColumns\":[{\"columnName\":\"Y\",\"type\":\"cell\"}],"
			      "\"phoneColumns\":[{\"columnName\":\"X\",\"type\":\"home\"}]}",
			      &cur, &p),
		0);
	problem_release(&p);
	/* An absent boolean is false and an absent array empty. */
	const struct field *tz = field_find(contact_list_fields, "automaticTimeZoneMapping");
	json_t *no = json_false(), *empty = json_array();
	assert_true(field_same_value(tz, NULL, no));
	assert_true(
		field_same_value(field_find(contact_list_fields, "whatsAppColumns"), empty, NULL));
	json_decref(no);
	json_decref(empty);
	contact_list_release(&cur);
}

static void system_column_names_are_reserved(void **state)
{
	(void)state;
	static const char *const reserved[] = {"inin-outbound-id",
					       "ININ-OUTBOUND-ID",
					       "ContactCallable",
					       "contactablebyvoice",
					       "ContactableBySms",
					       "ContactableByEmail",
					       "ContactableByWhatsApp",
					       "AutomaticTimeZone",
					       "CallRecordLastAttempt-Cell",
					       "callrecordlastresult-x",
					       "CallRecordLastAgentWrapup-x",
					       "CallRecordLastAttemptCampaign-x",
					       "SmsLastAttempt-x",
					       "SmsLastResult-x",
					       "SmsLastAttemptCampaign-x",
					       "Callable-",
					       "ContactableByVoice-x",
					       "ContactableBySms-x",
					       "ContactableByEmail-x",
					       "ContactableByWhatsApp-x"};
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (!system_column_name(reserved[i], strlen(reserved[i])))
			fail_msg("%s is not reserved", reserved[i]);
	static const char *const free_names[] = {"Callable",	   "inin-outbound-id2",
						 "xCallable-y",	   "ContactCallables",
						 "SmsLastAttempt", ""};
	for (size_t i = 0; i < sizeof(free_names) / sizeof(free_names[0]); i++)
		if (system_column_name(free_names[i], strlen(free_names[i])))
			fail_msg("%s is reserved", free_names[i]);
	/* The length counts, not the terminator: a prefix of a name is free. */
	assert_false(system_column_name("ContactCallable", 7));
	expect_refusal("{\"name\":\"a\",\"columnNames\":[\"a\",\"b\",\"Callable-a\"]}", 400,
		       "invalid.value", "columnNames[2] (\"Callable-a\") is reserved");
	expect_refusal("{\"name\":\"a\",\"columnDefinitions\":[{\"name\":\"ContactCallable\"}]}",
		       400, "invalid.value", "columnDefinitions[0].name");
}

static void encoding_follows_the_table(void **state)
{
	(void)state;
	struct contact_list cur;
	make_current(&cur);
	cur.date_created = 1692906623953;
	cur.date_modified = 1692906623953;
	json_t *size = json_integer(5);
	struct contact_list_extras x = {.size = size};
	json_t *out = contact_list_to_json(&cur, &x);
	const char *first = NULL;
	void *iter = json_object_iter(out);
	first = json_object_iter_key(iter);
	assert_string_equal(first, "id");
	assert_string_equal(json_string_value(json_object_get(out, "dateCreated")),
			    "2023-08-24T19:50:23.953Z");
	assert_int_equal(json_integer_value(json_object_get(out, "size")), 5);
	assert_null(json_object_get(out, "contactListId"));
	assert_null(json_object_get(out, "importStatus"));
	assert_string_equal(json_string_value(json_object_get(out, "selfUri")),
			    "/api/v2/outbound/contactlists/11111111-1111-4111-8111-111111111111");
	json_t *view = contact_list_division_view(&cur, NULL);
	assert_null(json_object_get(view, "trimWhitespace"));
	assert_non_null(json_object_get(view, "columnNames"));
	json_decref(view);
	json_decref(out);
	json_decref(size);
	contact_list_release(&cur);
}

static void every_table_field_round_trips(void **state)
{
	(void)state;
	/* A writable field accepted on input comes back on output, and no
	 * output member is missing from the table. */
	struct contact_list_input in;
	struct problem p;
	assert_int_equal(
		parse("{\"name\":\"a\",\"columnNames\":[\"x\",\"z\"],\"previewModeColumnName\":"
		      "\"x\","
		      "\"previewModeAcceptedValues\":[\"y\"],\"attemptLimits\":{\"id\":\"al\"},"
		      "\"automaticTimeZoneMapping\":true,\"zipCodeColumnName\":\"z\","
		      "\"retentionType\":\"r\",\"retentionDays\":3,\"timeZone\":\"UTC\","
		      "\"whatsAppColumns\":[{\"columnName\":\"x\",\"type\":\"t\"}],"
		      "\"dateExpiration\":\"2030-01-01T00:00:00.000Z\","
		      "\"columnDataTypeSpecifications\":[{\"columnName\":\"z\",\"columnDataType\":"
		      "\"TEXT\"}]}",
		      FIELD_CREATE, NULL, &in, &p),
		0);
	struct contact_list cl = {.version = 1, .doc = in.doc, .name = (char *)"a"};
	json_t *out = contact_list_to_json(&cl, NULL);
	const char *key;
	json_t *v;
	json_object_foreach(out, key, v)
	{
		assert_non_null(field_find(contact_list_fields, key));
	}
	for (const struct field *f = contact_list_fields; f->name; f++) {
		bool present = json_object_get(out, f->name) != NULL;
		bool optional_extra = strcmp(f->name, "size") == 0 ||
				      strcmp(f->name, "importStatus") == 0 ||
				      (f->flags & F_WRITE_ONLY);
		if (!present && !optional_extra)
			fail_msg("field %s missing from the output", f->name);
	}
	json_decref(out);
	contact_list_input_release(&in);
	problem_release(&p);
}

static void utf8_and_control_checks(void **state)
{
	(void)state;
	assert_int_equal(utf8_count("abc", 3), 3);
	assert_int_equal(utf8_count("\xc3\xa9t\xc3\xa9", 5), 3);
	assert_int_equal(utf8_count("\xf0\x9f\x98\x80", 4), 1);
	assert_int_equal(utf8_count("\xc3", 1), -1);		 /* truncated */
	assert_int_equal(utf8_count("\xc0\xaf", 2), -1);	 /* overlong */
	assert_int_equal(utf8_count("\xed\xa0\x80", 3), -1);	 /* surrogate */
	assert_int_equal(utf8_count("\xf4\x90\x80\x80", 4), -1); /* past U+10FFFF */
	assert_int_equal(utf8_count("\xff", 1), -1);
	assert_true(text_has_control("a\tb", 3));
	assert_true(text_has_control("\xc2\x85", 2));
	assert_false(text_has_control("\xc3\xa9", 2));
	char cut[8] = "ab\xc3\xa9";
	cut[3] = '\0'; /* "ab" + half of é */
	utf8_trim_partial(cut);
	assert_string_equal(cut, "ab");
}

static void problem_body_has_the_cloud_shape(void **state)
{
	(void)state;
	struct problem p;
	problem_init(&p);
	problem_add_detail(&p, "INVALID_VALUE", "name");
	problem_set(&p, 400, "invalid.value", "bad %s", "name");
	json_t *body = problem_to_json(&p, "ctx");
	assert_string_equal(json_string_value(json_object_get(body, "contextId")), "ctx");
	assert_true(json_is_object(json_object_get(body, "messageParams")));
	assert_true(json_is_array(json_object_get(body, "details")));
	assert_int_equal(json_integer_value(json_object_get(body, "status")), 400);
	json_decref(body);
	problem_release(&p);
	/* A NULL problem is allowed everywhere. */
	assert_int_equal(problem_set(NULL, 400, "x", "y"), -1);
	problem_add_detail(NULL, "a", "b");
}

/* Job states: one table gives the stored text, parsed back exactly. */
static void job_states_round_trip(void **state)
{
	(void)state;
	const enum job_state all[] = {JOB_PENDING, JOB_RUNNING, JOB_DONE, JOB_FAILED};
	const char *names[] = {"PENDING", "RUNNING", "DONE", "FAILED"};
	for (int i = 0; i < 4; i++) {
		enum job_state back = JOB_FAILED;
		assert_string_equal(job_state_name(all[i]), names[i]);
		assert_int_equal(job_state_parse(names[i], &back), 0);
		assert_int_equal(back, all[i]);
		assert_int_equal(job_state_active(all[i]), i < 2);
	}
	enum job_state st;
	assert_int_equal(job_state_parse("pending", &st), -1);
	assert_int_equal(job_state_parse("0", &st), -1);
	assert_int_equal(job_state_parse(NULL, &st), -1);
	/* Each list name's key: ASCII letters folded, nothing else. */
	char *key = contact_list_name_key("Spring Sale \xC3\x89t\xC3\xA9");
	assert_string_equal(key, "spring sale \xC3\x89t\xC3\xA9");
	free(key);
}

int main(void)
{
	db_limits_init(&limits);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(read_only_fields_get_one_detail_each),
		cmocka_unit_test(contact_list_id_message_is_the_documented_one),
		cmocka_unit_test(unknown_properties_are_named),
		cmocka_unit_test(types_lengths_and_enums),
		cmocka_unit_test(column_rules),
		cmocka_unit_test(definitions_derive_the_cloud_view),
		cmocka_unit_test(disagreeing_views_are_refused),
		cmocka_unit_test(update_rules),
		cmocka_unit_test(empty_references_mean_not_set),
		cmocka_unit_test(fixed_fields_follow_the_table),
		cmocka_unit_test(system_column_names_are_reserved),
		cmocka_unit_test(encoding_follows_the_table),
		cmocka_unit_test(every_table_field_round_trips),
		cmocka_unit_test(utf8_and_control_checks),
		cmocka_unit_test(problem_body_has_the_cloud_shape),
		cmocka_unit_test(job_states_round_trip),
	};
	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
