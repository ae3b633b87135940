/* The contact list's fields: the one table validation, encoding and the
 * OpenAPI document are driven by. Order here is the order of the output. */
#include "model/contactlist.h"

static const char *const column_data_types[] = {"TEXT", "NUMERIC", "TIMESTAMP", NULL};
static const char *const column_kinds[] = {"text", "phone", "email", "numeric", "timestamp", NULL};
static const char *const statuses[] = {"ACTIVE", "INACTIVE", NULL};
static const char *const import_states[] = {"IN_PROGRESS", "FAILED", NULL};

const struct field cl_ref_fields[] = {
	{"id", FT_STRING, F_REQUIRED, .max = 256,
	 .description = "Identifier of the referenced entity."},
	{"name", FT_STRING, 0, .max = 256, .description = "Name of the referenced entity."},
	{"selfUri", FT_STRING, 0, .max = 1024, .description = "URI of the referenced entity."},
	{0},
};

const struct field cl_phone_column_fields[] = {
	{"columnName", FT_STRING, F_REQUIRED | F_NOT_BLANK | F_COLUMN, .max = 128,
	 .description = "A column of columnNames that holds phone numbers."},
	{"type", FT_STRING, F_REQUIRED | F_NOT_BLANK | F_NO_CONTROL, .max = 256,
	 .description = "Free label such as cell, home or work."},
	{"callableTimeColumnName", FT_STRING, F_COLUMN, .max = 128,
	 .description = "A column holding the callable time window; \"\" means none."},
	{"callableTimeColumn", FT_STRING, F_COLUMN, .max = 128,
	 .description = "Alias of callableTimeColumnName; when both are set they name the "
			"same column."},
	{0},
};

const struct field cl_contactable_column_fields[] = {
	{"columnName", FT_STRING, F_REQUIRED | F_NOT_BLANK | F_COLUMN, .max = 128,
	 .description = "A column of columnNames."},
	{"type", FT_STRING, F_REQUIRED | F_NOT_BLANK | F_NO_CONTROL, .max = 256,
	 .description = "Free label such as work or personal."},
	{"contactableTimeColumnName", FT_STRING, F_COLUMN, .max = 128,
	 .description = "A column holding the contactable time window; \"\" means none."},
	{"contactableTimeColumn", FT_STRING, F_COLUMN, .max = 128,
	 .description = "Alias of contactableTimeColumnName; when both are set they name the "
			"same column."},
	{0},
};

const struct field cl_data_type_spec_fields[] = {
	{"columnName", FT_STRING, F_REQUIRED | F_NOT_BLANK | F_COLUMN, .max = 128,
	 .description = "A column of columnNames."},
	{"columnDataType", FT_STRING, F_REQUIRED, .enum_values = column_data_types,
	 .description = "TEXT, NUMERIC or TIMESTAMP (either case is accepted)."},
	{"min", FT_NUMBER, 0, .description = "Smallest allowed NUMERIC value."},
	{"max", FT_NUMBER, 0, .description = "Largest allowed NUMERIC value."},
	{"maxLength", FT_INTEGER, 0, .description = "Longest allowed TEXT value, in characters."},
	{0},
};

const struct field cl_column_definition_fields[] = {
	{"name", FT_STRING, F_REQUIRED | F_NOT_BLANK | F_NO_CONTROL, .max = 128,
	 .description = "Column name."},
	{"type", FT_STRING, 0, .enum_values = column_kinds,
	 .description = "text (default), phone, email, numeric or timestamp."},
	{"required", FT_BOOLEAN, 0,
	 .description = "When true every contact needs a non-blank value in this column."},
	{0},
};

const struct field import_status_fields[] = {
	{"state", FT_STRING, 0, .enum_values = import_states,
	 .description = "Absent once an import has finished successfully."},
	{"totalRecords", FT_INTEGER, 0, .description = "Rows in the file being imported."},
	{"completedRecords", FT_INTEGER, 0, .description = "Rows processed so far."},
	{"percentComplete", FT_INTEGER, 0, .description = "100 when no import is running."},
	{"failureReason", FT_STRING, 0,
	 .description = "Why the import failed: the cloud's reasons (MISSING_COLUMNS, "
			"MISSING_CUSTOM_ID, CONTACT_COLUMNS_LIMIT_EXCEEDED) and dialbook's "
			"(docs/api-rules.md)."},
	{"failureDetail", FT_STRING, 0,
	 .description = "dialbook: the failure in words, with its line and column."},
	{"failedRecords", FT_INTEGER, 0, .description = "dialbook: rows rejected."},
	{"blankRecords", FT_INTEGER, 0, .description = "dialbook: blank rows skipped."},
	{"ignoredColumns", FT_ARRAY, 0, FT_STRING,
	 .description = "dialbook: the file's columns that are not the list's, ignored (a "
			"warning); absent when there were none."},
	{"rejectedRowsUri", FT_STRING, 0,
	 .description = "dialbook: the rejected rows as CSV (line, column, reason, the row)."},
	{"importId", FT_STRING, 0, .description = "dialbook: the import's id."},
	{0},
};

/* The list fields that cannot change after creation (the ones Terraform
 * replaces a list for), and how a change is refused. */
static const struct field_fixed fixed_column_names = {"cannot.update.column.names",
						      "Column names are different"};
static const struct field_fixed fixed_phone = {"cannot.update.phone.columns",
					       "Phone number columns are different"};
static const struct field_fixed fixed_email = {"cannot.update.email.columns",
					       "Email columns are different"};
static const struct field_fixed fixed_whatsapp = {"cannot.update.whatsapp.columns",
						  "WhatsApp columns are different"};
static const struct field_fixed fixed_time_zone = {"cannot.update.automatic.time.zone.mapping",
						   "Automatic time zone mapping is different"};
static const struct field_fixed fixed_zip = {"cannot.update.zip.code.column",
					     "Zip code column is different"};

/* Every field that names columns is F_KEEP (a PUT that leaves it out keeps
 * it) and F_ALWAYS (answered even when empty, as the cloud does), and is
 * either fixed after creation or updatable. */
const struct field contact_list_fields[] = {
	{"id", FT_STRING, F_READONLY, .description = "Assigned by the server (a random UUID)."},
	{"contactListId", FT_STRING, F_READONLY | F_WRITE_ONLY | F_EXTENSION,
	 .description = "Not a field of the model: named here so that supplying it gets a "
			"clear refusal. The id is assigned by the server."},
	{"name", FT_STRING, F_REQUIRED | F_NO_CONTROL | F_NOT_BLANK,
	 .description = "1-256 characters after trimming; unique per organization, "
			"compared case-insensitively."},
	{"dateCreated", FT_STRING, F_READONLY, .description = "ISO-8601 UTC."},
	{"dateModified", FT_STRING, F_READONLY, .description = "ISO-8601 UTC."},
	{"version", FT_INTEGER, 0,
	 .description = "1 for a new list; required on update and must match the stored "
			"version."},
	{"division", FT_OBJECT, 0, .props = cl_ref_fields,
	 .description = "The division; new lists go to the organization's Home division."},
	{"columnNames", FT_ARRAY, F_NO_CONTROL | F_KEEP | F_ALWAYS, FT_STRING, .max = 0,
	 .description = "The list's columns, in order. Required unless columnDefinitions is "
			"given. Names the export uses for its own columns (such as "
			"inin-outbound-id, ContactCallable, Callable-<column>) are reserved.",
	 .fixed = &fixed_column_names},
	{"phoneColumns", FT_ARRAY, F_KEEP | F_ALWAYS, FT_OBJECT, cl_phone_column_fields,
	 .description = "Columns holding phone numbers, in any order.", .fixed = &fixed_phone},
	{"emailColumns", FT_ARRAY, F_KEEP | F_ALWAYS, FT_OBJECT, cl_contactable_column_fields,
	 .description = "Columns holding e-mail addresses, in any order.", .fixed = &fixed_email},
	{"whatsAppColumns", FT_ARRAY, F_KEEP | F_ALWAYS, FT_OBJECT, cl_contactable_column_fields,
	 .description = "Columns holding WhatsApp numbers, in any order.",
	 .fixed = &fixed_whatsapp},
	{"importStatus", FT_OBJECT, F_READONLY, .props = import_status_fields,
	 .description = "Only with includeImportStatus=true.", .ref = "ImportStatus"},
	{"previewModeColumnName", FT_STRING, F_COLUMN | F_KEEP | F_ALWAYS, .max = 128,
	 .description = "A column of columnNames used by preview mode; \"\" means none."},
	{"previewModeAcceptedValues", FT_ARRAY, F_KEEP | F_ALWAYS, FT_STRING, .max = 100,
	 .description = "Values of previewModeColumnName that are accepted."},
	{"size", FT_INTEGER, F_READONLY, .description = "Only with includeSize=true."},
	{"attemptLimits", FT_OBJECT, 0, .props = cl_ref_fields,
	 .description = "Reference to attempt limits."},
	{"automaticTimeZoneMapping", FT_BOOLEAN, F_KEEP | F_ALWAYS,
	 .description = "Map contacts to time zones automatically (default false).",
	 .fixed = &fixed_time_zone},
	{"zipCodeColumnName", FT_STRING, F_COLUMN | F_KEEP | F_ALWAYS, .max = 128,
	 .description = "Only with automaticTimeZoneMapping; a column of columnNames; \"\" "
			"means none.",
	 .fixed = &fixed_zip},
	{"columnDataTypeSpecifications", FT_ARRAY, F_KEEP | F_ALWAYS, FT_OBJECT,
	 cl_data_type_spec_fields, .description = "Data types of columns."},
	{"trimWhitespace", FT_BOOLEAN, 0,
	 .description = "Trim white space around imported values (default true)."},
	{"retentionType", FT_STRING, 0, .max = 64, .description = "Retention policy type."},
	{"retentionDays", FT_INTEGER, 0, .description = "Days to keep contacts."},
	{"dateExpiration", FT_STRING, 0, .max = 64, .description = "ISO-8601 UTC."},
	{"timeZone", FT_STRING, 0, .max = 64, .description = "IANA time zone name."},
	{"status", FT_STRING, F_EXTENSION | F_KEEP, .enum_values = statuses,
	 .description = "ACTIVE (default) or INACTIVE: an inactive list refuses contact "
			"writes and imports with 409."},
	{"columnDefinitions", FT_ARRAY, F_EXTENSION, FT_OBJECT, cl_column_definition_fields,
	 .description = "Another view of the columns: [{name, type, required}]. Every read "
			"returns both views; sending both is allowed when they agree. A PUT "
			"without either view keeps the columns; one with only this view "
			"derives the other, keeping its labels and specifications."},
	{"selfUri", FT_STRING, F_READONLY, .description = "/api/v2/outbound/contactlists/{id}"},
	{0},
};

/* The division view: these members of a list, in this order. */
const struct field contact_list_view_fields[] = {
	{"id", FT_STRING, F_READONLY, .description = "The list's id."},
	{"name", FT_STRING, F_READONLY, .description = "The list's name."},
	{"division", FT_OBJECT, F_READONLY, .props = cl_ref_fields, .description = "Home."},
	{"columnNames", FT_ARRAY, F_READONLY, FT_STRING, .description = "The list's columns."},
	{"phoneColumns", FT_ARRAY, F_READONLY, FT_OBJECT, cl_phone_column_fields,
	 .description = "Phone columns."},
	{"emailColumns", FT_ARRAY, F_READONLY, FT_OBJECT, cl_contactable_column_fields,
	 .description = "E-mail columns."},
	{"importStatus", FT_OBJECT, F_READONLY, .props = import_status_fields,
	 .description = "Only with includeImportStatus=true.", .ref = "ImportStatus"},
	{"size", FT_INTEGER, F_READONLY, .description = "Only with includeSize=true."},
	{"selfUri", FT_STRING, F_READONLY,
	 .description = "/api/v2/outbound/contactlists/divisionviews/{id}"},
	{0},
};
