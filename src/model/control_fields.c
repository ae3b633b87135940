/* The control API's field tables (control_fields.h). */
#include "model/control_fields.h"

#include <stddef.h>

static const char *const presets[] = {"429", "503", "504", "drop", NULL};
static const char *const methods[] = {"*", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", NULL};
static const char *const modes[] = {"immediate", "rate", "manual", NULL};

const struct field control_fault_fields[] = {
	{"id", FT_STRING, F_READONLY, .description = "The rule's id (assigned)."},
	{"preset", FT_STRING, 0, .enum_values = presets,
	 .description = "Fills status, code, message and retryAfter: 429 too.many.requests "
			"(Retry-After 1), 503 service.unavailable, 504 gateway.timeout, or drop "
			"(the connection is closed without an answer). Fields given as well "
			"override it."},
	{"method", FT_STRING, 0, .enum_values = methods,
	 .description = "The request's method; * (default) is any."},
	{"path", FT_STRING, F_NO_CONTROL, .max = CONTROL_MAX_PATTERN,
	 .description = "A path pattern starting with /, matched against the decoded path "
			"segments: a segment * is any one segment, a last segment ** is one or "
			"more. Absent: every path (never /_dialbook/)."},
	{"organizationId", FT_STRING, F_NO_CONTROL, .max = 64,
	 .description = "Only requests with a token of this organization."},
	{"clientId", FT_STRING, F_NO_CONTROL, .max = 64,
	 .description = "Only requests with a token of this OAuth client."},
	{"status", FT_INTEGER, 0,
	 .description = "400 to 599: the answer's status. Required unless preset or latencyMs "
			"alone."},
	{"code", FT_STRING, 0, .max = 47,
	 .description = "The ErrorBody code: 1 to 47 characters of a-z, 0-9, . and _."},
	{"message", FT_STRING, F_NO_CONTROL, .max = 700, .description = "The ErrorBody message."},
	{"retryAfter", FT_INTEGER, 0, .description = "0 to 86400 seconds, sent as Retry-After."},
	{"probability", FT_NUMBER, 0,
	 .description = "0 to 1 (default 1): the chance a matching request is hit."},
	{"times", FT_INTEGER, 0,
	 .description = "1 or more: fires this many times, then it is spent. Absent: no limit."},
	{"latencyMs", FT_INTEGER, 0,
	 .description = "0 to 10000: waits this long before answering; alone (no status or "
			"preset), delays the request, which is then served normally."},
	{"drop", FT_BOOLEAN, F_READONLY, .description = "The connection is closed unanswered."},
	{"fired", FT_INTEGER, F_READONLY, .description = "How many times the rule fired."},
	{"spent", FT_BOOLEAN, F_READONLY, .description = "Fired its times: it fires no more."},
	{"dateCreated", FT_STRING, F_READONLY, .description = "When it was added."},
	{0},
};

const struct field control_fault_listing_fields[] = {
	{"entities", FT_ARRAY, 0, FT_OBJECT, .ref = "FaultRule",
	 .description = "In the order added."},
	{"total", FT_INTEGER, 0, .description = "Rules."},
	{0},
};

const struct field control_import_pace_fields[] = {
	{"mode", FT_STRING, F_REQUIRED, .enum_values = modes,
	 .description = "immediate (dialbook's own pace), rate (rowsPerSecond), manual (only "
			"rows given by POST .../advance)."},
	{"rowsPerSecond", FT_INTEGER, 0,
	 .description = "With rate, required: 1 to 1000000 data rows a second."},
	{"failAtPercent", FT_INTEGER, 0,
	 .description = "0 to 99: the import ends FAILED once this share of the file's data "
			"rows was read; the rows before it are stored."},
	{"failureReason", FT_STRING, 0, .max = CONTROL_FAILURE_REASON_MAX - 1,
	 .description = "With failAtPercent, required: the reason importstatus gives, such as "
			"CONTACT_COLUMNS_LIMIT_EXCEEDED ([A-Z][A-Z0-9_]*)."},
	{0},
};

const struct field control_export_pace_fields[] = {
	{"notReadyPolls", FT_INTEGER, 0,
	 .description = "0 to 1000: after an export starts, the next N GETs of the list's "
			"export answer 404 not.found, still running, as the cloud's do."},
	{0},
};

const struct field control_progression_fields[] = {
	{"scope", FT_STRING, F_READONLY, .description = "organization or contactlist."},
	{"id", FT_STRING, F_READONLY, .description = "The organization's or list's id."},
	{"import", FT_OBJECT, 0, .props = control_import_pace_fields,
	 .description = "How imports move along."},
	{"export", FT_OBJECT, 0, .props = control_export_pace_fields,
	 .description = "How exports become ready."},
	{0},
};

const struct field control_progression_listing_fields[] = {
	{"entities", FT_ARRAY, 0, FT_OBJECT, .ref = "Progression", .description = "Every setting."},
	{"total", FT_INTEGER, 0, .description = "Settings."},
	{0},
};

const struct field control_advance_fields[] = {
	{"rows", FT_INTEGER, F_REQUIRED,
	 .description = "1 to 100000000 more data rows the list's manual import may read."},
	{0},
};

const struct field control_advance_answer_fields[] = {
	{"contactListId", FT_STRING, 0, .description = "The list."},
	{"creditRows", FT_INTEGER, 0, .description = "Rows given and not yet read."},
	{0},
};

const struct field control_reset_fields[] = {
	{"organizationId", FT_STRING, F_NO_CONTROL, .max = 64,
	 .description = "Reset this organization only; absent: every organization, and this "
			"server's fault rules, progression and journal."},
	{0},
};

const struct field control_reset_answer_fields[] = {
	{"organizations", FT_INTEGER, 0, .description = "Organizations reset."},
	{"contactLists", FT_INTEGER, 0, .description = "Contact lists deleted."},
	{0},
};

const struct field control_snapshot_fields[] = {
	{"name", FT_STRING, F_REQUIRED, .max = 64,
	 .description = "1 to 64 characters of A-Z, a-z, 0-9, _ and -."},
	{"dateCreated", FT_STRING, F_READONLY, .description = "When it was taken."},
	{0},
};

const struct field control_expire_answer_fields[] = {
	{"clientId", FT_STRING, 0, .description = "The OAuth client."},
	{"expiredTokens", FT_INTEGER, 0, .description = "Its tokens that expired now."},
	{0},
};

const struct field control_journal_entry_fields[] = {
	{"seq", FT_INTEGER, 0, .description = "Grows by one a request; never reused."},
	{"timestamp", FT_STRING, 0, .description = "When it arrived (ISO 8601, ms)."},
	{"method", FT_STRING, 0, .description = "The method."},
	{"path", FT_STRING, 0, .description = "The path as sent, without the query string."},
	{"queryNames", FT_ARRAY, 0, FT_STRING,
	 .description = "The query parameters' names (never their values)."},
	{"status", FT_INTEGER, 0, .description = "The answer's status; 0 when dropped."},
	{"organizationId", FT_STRING, 0, .description = "Of the token used; null: none."},
	{"clientId", FT_STRING, 0, .description = "Of the token used; null: none."},
	{"correlationId", FT_STRING, 0, .description = "The inin-correlation-id answered."},
	{"durationMs", FT_INTEGER, 0, .description = "Until answered, injected latency included."},
	{"faultId", FT_STRING, 0, .description = "The fault rule that answered or delayed it."},
	{0},
};

const struct field control_journal_fields[] = {
	{"entities", FT_ARRAY, 0, FT_OBJECT, .ref = "JournalEntry", .description = "Oldest first."},
	{"total", FT_INTEGER, 0, .description = "Entries."},
	{0},
};

const struct field control_journal_query[] = {
	{"method", FT_STRING, 0, .description = "Only this method (GET, POST, ...)."},
	{"pathPrefix", FT_STRING, 0, .description = "Only paths that start with it."},
	{"status", FT_STRING, 0, .description = "A status (429) or a class (4xx, 5xx)."},
	{"organizationId", FT_STRING, 0, .description = "Only this organization's requests."},
	{"since", FT_STRING, 0,
	 .description = "ISO 8601 UTC (2026-11-29T16:41:02Z, ms allowed): at or after it."},
	{"afterSeq", FT_INTEGER, 0, .description = "Only entries with a greater seq."},
	{"limit", FT_INTEGER, 0, .description = "1 to 100000: the newest this many that match."},
	{0},
};
