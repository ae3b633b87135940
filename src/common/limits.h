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

/* HTTP abuse limits (issue 9): no client holds connections that never
 * finish a request. Each names its unit and the flag that changes it. */
#define DB_MAX_CONNECTIONS_LIMIT       100000 /* connections; the largest --max-connections */
#define DB_MAX_CONNECTIONS_PER_ADDRESS 32     /* connections; --max-connections-per-address */
#define DB_HEADER_TIMEOUT_S	       10   /* seconds for a request's headers; --header-timeout */
#define DB_MAX_HEADER_TIMEOUT_S	       3600 /* the largest --header-timeout */
#define DB_MAX_TLS_FILE_BYTES	       (1u << 20) /* bytes of --tls-cert or --tls-key */
#define DB_MAX_PUBLIC_URL	       200	  /* characters of --public-url */

/* Bounded requests (issue 9): what one request may cost, whatever its
 * parameters. A RegEx is matched by PCRE2 under its limits; searches and
 * RegEx listings are heavy work, served a few at a time, each until a
 * deadline. */
#define DB_MAX_REGEX_BYTES	   256	      /* bytes of a RegEx name filter */
#define DB_REGEX_MAX_NESTING	   32	      /* parentheses nested in a RegEx */
#define DB_REGEX_COMPILE_BYTES	   (1u << 20) /* memory to compile one RegEx */
#define DB_REGEX_MATCH_LIMIT	   100000     /* backtracking steps per name tested */
#define DB_REGEX_DEPTH_LIMIT	   2000	      /* nested backtracking per name tested */
#define DB_REGEX_HEAP_KIB	   1024	      /* KiB of backtracking memory per name */
#define DB_MAX_SEARCH_PREDICATES   100	      /* predicates of one search, all clauses */
#define DB_MAX_SEARCH_IN_VALUES	   10000      /* range.inSet values of one search, in all */
#define DB_MAX_SEARCH_WINDOW	   10000      /* pageNumber * pageSize of a sorted search */
#define DB_REQUEST_DEADLINE_MS	   10000      /* ms of heavy work; --request-deadline-ms */
#define DB_MAX_REQUEST_DEADLINE_MS 3600000    /* the largest --request-deadline-ms */
#define DB_MAX_DB_LOCK_WAIT_MS	   600000     /* the largest --db-lock-wait-ms */
#define DB_HEAVY_SLOTS_MIN	   1 /* heavy requests at once; --heavy-slots (default threads - 1) */
#define DB_BUSY_RETRY_AFTER_S	   1 /* Retry-After of a 503 for heavy work */

/* Files in <db>.files/ (DESIGN.md §7: files have a lifetime and an owner). */
#define DB_FILE_RETENTION_S	86400	      /* exports and rejected rows; --retention */
#define DB_MAX_FILE_RETENTION_S (366 * 86400) /* the longest --retention */
#define DB_SWEEP_INTERVAL_S	60	      /* orphan and expiry sweeps; --sweep-interval */
#define DB_MAX_UPLOADS_PER_ORG	4	      /* uploads in flight; --max-uploads-per-org */
#define DB_MAX_EXPORTS_PER_ORG	4 /* exports pending or running; --max-exports-per-org */
#define DB_CAP_RETRY_AFTER_S	5 /* Retry-After of a refusal at those two caps */

/* Jobs claimed from the store with leases (docs/design.md). */
#define DB_JOB_LEASE_S	   30	/* a job's lease, renewed every third of it; --job-lease */
#define DB_MAX_JOB_LEASE_S 3600 /* the longest --job-lease */
#define DB_JOB_POLL_MS	   1000 /* an idle worker looks for other servers' jobs */

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
	int64_t file_retention_s;	/* exports and rejected rows live this long */
	unsigned max_uploads_per_org;	/* in flight at once, in this process */
	unsigned max_exports_per_org;	/* pending or running at once */
	unsigned max_search_predicates;
	unsigned max_search_in_values;
	unsigned max_search_window;
	unsigned request_deadline_ms;
	unsigned heavy_slots; /* searches and RegEx listings served at once */
};

void db_limits_init(struct db_limits *l);

#endif
