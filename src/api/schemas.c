/* The named schemas of the API document. The resources' tables are the
 * ones their validators and encoders use; the envelopes and small answers
 * that handlers build are described here. */
#include "api/contacts.h"

#define LISTING_FIELDS(entity)                                                                     \
	{"entities", FT_ARRAY, 0, FT_OBJECT, .ref = entity, .description = "This page."},          \
		{"pageSize", FT_INTEGER, 0, .description = "Entities a page."},                    \
		{"pageNumber", FT_INTEGER, 0, .description = "This page, from 1."},                \
		{"total", FT_INTEGER, 0, .description = "Entities on every page."},                \
		{"firstUri", FT_STRING, 0, .description = "The first page."},                      \
		{"previousUri", FT_STRING, 0, .description = "Absent on the first page."},         \
		{"nextUri", FT_STRING, 0, .description = "Absent on the last page."},              \
		{"lastUri", FT_STRING, 0, .description = "The last page."},                        \
		{"selfUri", FT_STRING, 0, .description = "This page."},                            \
	{                                                                                          \
		"pageCount", FT_INTEGER, 0, .description = "Pages in all."                         \
	}

static const struct field list_listing_fields[] = {LISTING_FIELDS("ContactList"), {0}};
static const struct field view_listing_fields[] = {LISTING_FIELDS("ContactListDivisionView"), {0}};
static const struct field template_listing_fields[] = {LISTING_FIELDS("ContactListTemplate"), {0}};

static const struct field filter_listing_fields[] = {LISTING_FIELDS("ContactListFilter"), {0}};

static const struct field filter_retrieve_fields[] = {
	{"ids", FT_ARRAY, F_REQUIRED, FT_STRING, .max = 100,
	 .description = "1 to 100 filter ids; unknown ones are left out of the answer."},
	{0},
};

static const struct field template_retrieve_fields[] = {
	{"ids", FT_ARRAY, F_REQUIRED, FT_STRING, .max = 100,
	 .description = "1 to 100 template ids; unknown ones are left out of the answer."},
	{0},
};

static const struct field contact_listing_fields[] = {
	{"entities", FT_ARRAY, 0, FT_OBJECT, .ref = "DialerContact", .description = "This page."},
	{"pageSize", FT_INTEGER, 0, .description = "Contacts a page."},
	{"pageNumber", FT_INTEGER, 0, .description = "This page, from 1."},
	{"total", FT_INTEGER, 0, .description = "Contacts that match."},
	{"contactsCount", FT_INTEGER, 0, .description = "Contacts that match."},
	{"pageCount", FT_INTEGER, 0, .description = "Pages in all."},
	{0},
};

static const struct field token_request_fields[] = {
	{"grant_type", FT_STRING, F_REQUIRED, .description = "client_credentials"},
	{"client_id", FT_STRING, 0, .description = "Unless sent with HTTP Basic auth."},
	{"client_secret", FT_STRING, 0, .description = "Unless sent with HTTP Basic auth."},
	{"scope", FT_STRING, 0,
	 .description = "Narrows the token to some of the client's grants (space-separated)."},
	{0},
};

static const struct field token_fields[] = {
	{"access_token", FT_STRING, F_REQUIRED, .description = "Send as Authorization: Bearer."},
	{"token_type", FT_STRING, F_REQUIRED, .description = "bearer"},
	{"expires_in", FT_INTEGER, F_REQUIRED, .description = "Seconds (default 86399)."},
	{0},
};

static const struct field export_uri_fields[] = {
	{"uri", FT_STRING, 0, .description = "GET it with the bearer token: the CSV file."},
	{"exportTimestamp", FT_STRING, 0, .description = "When the export finished."},
	{0},
};

static const struct field entity_ref_fields[] = {
	{"id", FT_STRING, 0, .description = "The export's (and its download's) id."},
	{"selfUri", FT_STRING, 0, .description = "/api/v2/downloads/{id}"},
	{0},
};

static const struct field upload_fields[] = {
	{"id", FT_STRING, F_REQUIRED, .description = "The contact list's id."},
	{"fileType", FT_STRING, F_REQUIRED, .description = "contactlist"},
	{"contact-id-name", FT_STRING, 0,
	 .description = "The column holding contact ids; MISSING_CUSTOM_ID when the file lacks "
			"it."},
	{"clearSystemData", FT_STRING, 0,
	 .description = "true clears the system state (callable, phoneNumberStatus, "
			"contactableStatus) of contacts that exist; false (default) keeps it "
			"unless the file's state columns give it."},
	{"file", FT_STRING, F_REQUIRED, .description = "The CSV file (UTF-8, RFC 4180)."},
	{0},
};

static const struct field upload_answer_fields[] = {
	{"correlationId", FT_STRING, 0, .description = "The import's id."},
	{0},
};

static const struct field empty_fields[] = {{0}};

const struct api_schema api_schemas[] = {
	{"ContactList", contact_list_fields, false, "A contact list."},
	{"ContactListDivisionView", contact_list_view_fields, false, "A list's division view."},
	{"ContactListEntityListing", list_listing_fields, false, "A page of contact lists."},
	{"ContactListDivisionViewListing", view_listing_fields, false, "A page of division views."},
	{"ImportStatus", import_status_fields, false, "The latest import of a list."},
	{"ContactListTemplate", contact_list_template_fields, false,
	 "A contact list template: a list's columns and settings, without contacts."},
	{"ContactListTemplates", contact_list_template_fields, true,
	 "1 to 100 contact list templates, created all or none."},
	{"ContactListTemplateEntityListing", template_listing_fields, false,
	 "A page of contact list templates."},
	{"ContactListTemplateBulkRetrieveBody", template_retrieve_fields, false,
	 "The templates to get."},
	{"DialerContact", contact_fields, false, "A contact."},
	{"DialerContacts", contact_fields, true, "Contacts."},
	{"WritableDialerContacts", contact_fields, true, "1 to 1,000 contacts."},
	{"ContactIds", NULL, true, "Contact ids."},
	{"ContactListingRequest", contact_search_fields, false, "A contact search."},
	{"ContactListingResponse", contact_listing_fields, false, "A page of found contacts."},
	{"ContactListFilter", contact_list_filter_fields, false,
	 "A contact list filter: clauses of predicates over a list's columns."},
	{"ContactListFilterEntityListing", filter_listing_fields, false,
	 "A page of contact list filters."},
	{"ContactListFilterBulkRetrieveBody", filter_retrieve_fields, false, "The filters to get."},
	{"FilterPreviewResponse", filter_preview_fields, false,
	 "What a filter selects: counts and the first contacts."},
	{"ContactsExportRequest", empty_fields, false, "Empty, or absent."},
	{"DomainEntityRef", entity_ref_fields, false, "A started export."},
	{"ExportUri", export_uri_fields, false, "A finished export."},
	{"ContactListUpload", upload_fields, false, "The multipart form of an upload."},
	{"UploadAnswer", upload_answer_fields, false, "An accepted upload."},
	{"TokenRequest", token_request_fields, false, "The client credentials grant."},
	{"TokenResponse", token_fields, false, "An access token."},
	{"ErrorBody", error_body_fields, false, "Every refusal of the API."},
	{NULL, NULL, false, NULL},
};
