/* The query parameters each route accepts (F_REQUIRED: must be given). An
 * array type means comma-joined and/or repeated values. */
#include "api/params.h"

static const char *const filter_types[] = {
	"Equals",     "RegEx",		 "Contains",	"Prefix",
	"LessThan",   "LessThanEqualTo", "GreaterThan", "GreaterThanEqualTo",
	"BeginsWith", "EndsWith",	 NULL};
static const char *const sort_keys[] = {"name", "id", "dateCreated", "dateModified", NULL};
static const char *const sort_orders[] = {"ascending", "descending", NULL};

const struct field params_list_listing[] = {
	{"pageSize", FT_INTEGER, 0, .description = "1 to 100 (default 25)."},
	{"pageNumber", FT_INTEGER, 0, .description = "From 1 (default 1)."},
	{"filterType", FT_STRING, 0, .enum_values = filter_types,
	 .description = "How name filters (default Prefix); case-insensitive."},
	{"name", FT_STRING, 0, .max = 256, .description = "The name filter's operand."},
	{"id", FT_ARRAY, 0, FT_STRING, .description = "Only these lists."},
	{"divisionId", FT_ARRAY, 0, FT_STRING, .description = "Only lists of these divisions."},
	{"sortBy", FT_STRING, 0, .enum_values = sort_keys, .description = "Default name."},
	{"sortOrder", FT_STRING, 0, .enum_values = sort_orders,
	 .description = "Default ascending (asc, a, desc and d are accepted too)."},
	{"includeSize", FT_BOOLEAN, 0, .description = "Add each list's size."},
	{"includeImportStatus", FT_BOOLEAN, 0, .description = "Add each list's import status."},
	{"allowEmptyResult", FT_BOOLEAN, 0,
	 .description = "Answer an empty page past the last one instead of 400."},
	{0},
};

const struct field params_list_get[] = {
	{"includeSize", FT_BOOLEAN, 0, .description = "Add the list's size."},
	{"includeImportStatus", FT_BOOLEAN, 0, .description = "Add the list's import status."},
	{0},
};

const struct field params_list_bulk_delete[] = {
	{"id", FT_ARRAY, F_REQUIRED, FT_STRING, .max = 100,
	 .description = "The lists to delete (at most 100): all of them, or none."},
	{0},
};

/* The query of a named resource's listing: paging, a name filter, a sort. */
#define NAMED_LISTING_PARAMS                                                                       \
	{"pageSize", FT_INTEGER, 0, .description = "1 to 100 (default 25)."},                      \
		{"pageNumber", FT_INTEGER, 0, .description = "From 1 (default 1)."},               \
		{"allowEmptyResult", FT_BOOLEAN, 0,                                                \
		 .description = "Answer an empty page past the last one instead of 400."},         \
		{"filterType", FT_STRING, 0, .enum_values = filter_types,                          \
		 .description = "How name filters (default Prefix); case-insensitive."},           \
		{"name", FT_STRING, 0, .max = 256, .description = "The name filter's operand."},   \
		{"sortBy", FT_STRING, 0, .enum_values = sort_keys,                                 \
		 .description = "Default name."},                                                  \
	{                                                                                          \
		"sortOrder", FT_STRING, 0,                                                         \
			.enum_values = sort_orders,                                                \
			.description = "Default ascending (asc, a, desc and d are accepted too)."  \
	}

/* The SDK's getOutboundContactlisttemplates takes timeZone too; it is
 * left out, so it is refused naming it, as on the lists' listing. */
const struct field params_template_listing[] = {
	NAMED_LISTING_PARAMS,
	{0},
};

const struct field params_filter_listing[] = {
	NAMED_LISTING_PARAMS,
	{"contactListId", FT_STRING, 0, .max = 64, .description = "Only this list's filters."},
	{0},
};

const struct field params_template_bulk_delete[] = {
	{"id", FT_ARRAY, F_REQUIRED, FT_STRING, .max = 100,
	 .description = "The templates to delete (at most 100): all of them, or none."},
	{0},
};

const struct field params_contacts_add[] = {
	{"priority", FT_BOOLEAN, 0, .description = "Accepted; no effect in dialbook."},
	{"clearSystemData", FT_BOOLEAN, 0,
	 .description = "true clears the system state (callable, phoneNumberStatus, "
			"contactableStatus) of contacts that exist before the body's is applied; "
			"false (default) keeps what the body does not give."},
	{"doNotQueue", FT_BOOLEAN, 0, .description = "Accepted; no effect in dialbook."},
	{0},
};

const struct field params_contacts_delete[] = {
	{"contactIds", FT_ARRAY, F_REQUIRED, FT_STRING, .max = 1000,
	 .description = "The contacts to delete; ids that do not exist are ignored."},
	{0},
};

const struct field params_export_get[] = {
	{"download", FT_BOOLEAN, 0, .description = "true: answer 303 to the file."},
	{0},
};

const struct field params_download[] = {
	{"issueRedirect", FT_BOOLEAN, 0,
	 .description = "false: answer {url} instead of the file (default true)."},
	{"redirectToAuth", FT_BOOLEAN, 0, .description = "Accepted; no effect."},
	{0},
};
