/* Every limit dialbook enforces, in one place. Defaults are the cloud's
 * (see shared/reference); the server can override them at start-up. */
#ifndef DIALBOOK_LIMITS_H
#define DIALBOOK_LIMITS_H

#include <stddef.h>
#include <stdint.h>

#define DB_MAX_JSON_BODY	 512000 /* bytes of a JSON request body */
#define DB_MAX_FORM_BODY	 8192	/* bytes of an OAuth token request */
#define DB_MAX_NAME_CHARS	 256	/* contact list name, after trimming */
#define DB_MAX_COLUMNS		 50	/* columns per contact list */
#define DB_MAX_COLUMN_NAME_CHARS 128
#define DB_MAX_VALUE_CHARS	 512
#define DB_MAX_LISTS_PER_ORG	 1000
#define DB_MAX_CONTACTS_PER_LIST 1000000
#define DB_MAX_CONTACTS_PER_ORG	 5000000
#define DB_MAX_PAGE_SIZE	 100
#define DB_DEFAULT_PAGE_SIZE	 25
#define DB_MAX_BULK_IDS		 100	      /* ids in one bulk DELETE */
#define DB_MAX_UPLOAD_BYTES	 (1ull << 30) /* bytes of a CSV upload */
#define DB_MAX_SHORT_STRING	 256	      /* labels such as a phone column type */
#define DB_TOKEN_TTL_SECONDS	 86399
#define DB_RATE_LIMIT_PER_MINUTE 300
#define DB_MAX_CONNECTIONS	 1024
#define DB_CONNECTION_TIMEOUT_S	 30

/* The limits a running server applies; filled from the defaults above. */
struct db_limits {
	size_t max_json_body;
	unsigned max_columns;
	unsigned max_column_name_chars;
	unsigned max_value_chars;
	unsigned max_lists_per_org;
	int64_t max_contacts_per_list;
	int64_t max_contacts_per_org;
	unsigned max_page_size;
	int64_t token_ttl_seconds;
	unsigned rate_limit_per_minute; /* 0 = off */
};

void db_limits_init(struct db_limits *l);

#endif
