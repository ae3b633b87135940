/* Fills a limits struct with the cloud's defaults. */
#include "common/limits.h"

void db_limits_init(struct db_limits *l)
{
	l->max_json_body = DB_MAX_JSON_BODY;
	l->max_columns = DB_MAX_COLUMNS;
	l->max_column_name_chars = DB_MAX_COLUMN_NAME_CHARS;
	l->max_value_chars = DB_MAX_VALUE_CHARS;
	l->max_lists_per_org = DB_MAX_LISTS_PER_ORG;
	l->max_contacts_per_list = DB_MAX_CONTACTS_PER_LIST;
	l->max_contacts_per_org = DB_MAX_CONTACTS_PER_ORG;
	l->max_page_size = DB_MAX_PAGE_SIZE;
	l->token_ttl_seconds = DB_TOKEN_TTL_SECONDS;
	l->rate_limit_per_minute = DB_RATE_LIMIT_PER_MINUTE;
	l->max_search_predicates = DB_MAX_SEARCH_PREDICATES;
	l->max_search_in_values = DB_MAX_SEARCH_IN_VALUES;
	l->max_search_window = DB_MAX_SEARCH_WINDOW;
	l->request_deadline_ms = DB_REQUEST_DEADLINE_MS;
	/* The server sets threads - 1; one is the least that serves at all. */
	l->heavy_slots = DB_HEAVY_SLOTS_MIN;
	l->file_retention_s = DB_FILE_RETENTION_S;
	l->max_uploads_per_org = DB_MAX_UPLOADS_PER_ORG;
	l->max_exports_per_org = DB_MAX_EXPORTS_PER_ORG;
}
