/* The contact list template's fields (the SDK's ContactListTemplate,
 * index.d.ts of purecloud-platform-client-v2 262.0.0): the one table its
 * validation, encoding and the OpenAPI document are driven by. The same
 * column rules as a list's (contactlist.c applies them to either table);
 * what differs: no division, importStatus, size, dateExpiration or status,
 * and no field is fixed after creation, since a template holds no
 * contacts that its columns would strand (docs/api-rules.md). */
#include "model/contactlist.h"

const struct field contact_list_template_fields[] = {
	{"id", FT_STRING, F_READONLY, .description = "Assigned by the server (a random UUID)."},
	{"name", FT_STRING, F_REQUIRED | F_NO_CONTROL | F_NOT_BLANK,
	 .description = "1-256 characters after trimming; unique among the organization's "
			"templates, compared case-insensitively."},
	{"dateCreated", FT_STRING, F_READONLY, .description = "ISO-8601 UTC."},
	{"dateModified", FT_STRING, F_READONLY, .description = "ISO-8601 UTC."},
	{"version", FT_INTEGER, 0,
	 .description = "1 for a new template; required on update and must match the stored "
			"version."},
	{"columnNames", FT_ARRAY, F_NO_CONTROL | F_KEEP | F_ALWAYS, FT_STRING,
	 .description = "The template's columns, in order. Required unless columnDefinitions "
			"is given; the same rules as a list's columnNames."},
	{"phoneColumns", FT_ARRAY, F_KEEP | F_ALWAYS, FT_OBJECT, cl_phone_column_fields,
	 .description = "Columns holding phone numbers, in any order."},
	{"emailColumns", FT_ARRAY, F_KEEP | F_ALWAYS, FT_OBJECT, cl_contactable_column_fields,
	 .description = "Columns holding e-mail addresses, in any order."},
	{"whatsAppColumns", FT_ARRAY, F_KEEP | F_ALWAYS, FT_OBJECT, cl_contactable_column_fields,
	 .description = "Columns holding WhatsApp numbers, in any order."},
	{"previewModeColumnName", FT_STRING, F_COLUMN | F_KEEP | F_ALWAYS, .max = 128,
	 .description = "A column of columnNames used by preview mode; \"\" means none."},
	{"previewModeAcceptedValues", FT_ARRAY, F_KEEP | F_ALWAYS, FT_STRING, .max = 100,
	 .description = "Values of previewModeColumnName that are accepted."},
	{"attemptLimits", FT_OBJECT, 0, .props = cl_ref_fields,
	 .description = "Reference to attempt limits."},
	{"automaticTimeZoneMapping", FT_BOOLEAN, F_KEEP | F_ALWAYS,
	 .description = "Map contacts to time zones automatically (default false)."},
	{"zipCodeColumnName", FT_STRING, F_COLUMN | F_KEEP | F_ALWAYS, .max = 128,
	 .description = "Only with automaticTimeZoneMapping; a column of columnNames; \"\" "
			"means none."},
	{"columnDataTypeSpecifications", FT_ARRAY, F_KEEP | F_ALWAYS, FT_OBJECT,
	 cl_data_type_spec_fields, .description = "Data types of columns."},
	{"trimWhitespace", FT_BOOLEAN, 0,
	 .description = "Trim white space around imported values (default true)."},
	{"retentionType", FT_STRING, 0, .max = 64, .description = "Retention policy type."},
	{"retentionDays", FT_INTEGER, 0, .description = "Days to keep contacts."},
	{"timeZone", FT_STRING, 0, .max = 64, .description = "IANA time zone name."},
	{"columnDefinitions", FT_ARRAY, F_EXTENSION, FT_OBJECT, cl_column_definition_fields,
	 .description = "Another view of the columns: [{name, type, required}], as on a "
			"contact list."},
	{"selfUri", FT_STRING, F_READONLY,
	 .description = "/api/v2/outbound/contactlisttemplates/{id}"},
	{0},
};

const struct contact_list_kind contact_list_kind_template = {
	contact_list_template_fields, "a contact list template", "contact list template",
	"/api/v2/outbound/contactlisttemplates/"};
