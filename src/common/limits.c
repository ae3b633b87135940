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
}
