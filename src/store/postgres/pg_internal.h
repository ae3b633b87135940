/* Shared by the PostgreSQL backend's files: the connection, its statement
 * table (prepared once per connection), parameters, failures and retries.
 *
 * Isolation: every write runs in READ COMMITTED inside BEGIN ... COMMIT,
 * and what it checks is held by a lock for the rest of its transaction:
 * the list's row (SELECT ... FOR NO KEY UPDATE) for the list's size, its
 * one import and its version; an advisory transaction lock per
 * organization (pg_advisory_xact_lock(PG_LOCK_ORG, hashtext(org id))) for
 * the organization's list count, contact sum and export cap. Locks are
 * taken list first, organization second, so no two writers wait on each
 * other in a circle. */
#ifndef DIALBOOK_PG_INTERNAL_H
#define DIALBOOK_PG_INTERNAL_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "store/store_backend.h"

/* The first key of two-key advisory locks (pg_advisory_*(int, int)). */
#define PG_LOCK_ORG  1
#define PG_LOCK_BLOB 2
/* The one-key advisory lock held while the schema is migrated. */
#define PG_LOCK_MIGRATE 7308127355262210049LL

#define PG_IMPORT_COLUMNS                                                                          \
	"id, org_id, list_id, state, total, completed, failed, blank, failure_reason, "            \
	"failure_detail, upload_key, rejects_key, contact_id_column, date_created, "               \
	"date_modified, clear_system_data, ignored_columns, owner, lease_expires_at"
#define PG_EXPORT_COLUMNS                                                                          \
	"id, org_id, list_id, state, rows, file_key, failure_detail, date_created, "               \
	"date_modified, owner, lease_expires_at"
#define PG_CONTACT_COLUMNS "id, data, callable, meta, date_created, date_modified"

/* Job states are passed as text (job_state_name), never written here. */
#define PG_STATEMENT_TABLE(X)                                                                      \
	X(BEGIN, "BEGIN")                                                                          \
	X(BEGIN_SNAPSHOT, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")                       \
	X(COMMIT, "COMMIT")                                                                        \
	X(ROLLBACK, "ROLLBACK")                                                                    \
	X(ORG_LOCK, "SELECT pg_advisory_xact_lock(1, hashtext($1))")                               \
	X(ORG_ADD, "INSERT INTO orgs(id, name, home_division_id, date_created) "                   \
		   "VALUES($1, $2, $3, $4)")                                                       \
	X(ORG_BY_NAME, "SELECT id, name, home_division_id, date_created FROM orgs "                \
		       "WHERE name = $1")                                                          \
	X(ORG_BY_ID, "SELECT id, name, home_division_id, date_created FROM orgs WHERE id = $1")    \
	X(ORG_COUNT, "SELECT count(*) FROM orgs")                                                  \
	X(ORG_SCAN, "SELECT id, name, home_division_id, date_created FROM orgs "                   \
		    "ORDER BY id COLLATE \"C\"")                                                   \
	X(CLIENT_ADD, "INSERT INTO oauth_clients(id, org_id, name, secret_hash, grants, "          \
		      "date_created) VALUES($1, $2, $3, $4, $5, $6)")                              \
	X(CLIENT_GET, "SELECT c.id, c.org_id, o.name, c.name, c.grants, c.secret_hash, "           \
		      "c.date_created, c.revoked FROM oauth_clients c JOIN orgs o ON "             \
		      "o.id = c.org_id WHERE c.id = $1")                                           \
	X(CLIENT_LIST, "SELECT c.id, c.org_id, o.name, c.name, c.grants, c.secret_hash, "          \
		       "c.date_created, c.revoked FROM oauth_clients c JOIN orgs o ON "            \
		       "o.id = c.org_id ORDER BY c.date_created, c.id")                            \
	X(CLIENT_REVOKE, "UPDATE oauth_clients SET revoked = true WHERE id = $1")                  \
	X(TOKENS_OF_CLIENT_DELETE, "DELETE FROM tokens WHERE client_id = $1")                      \
	X(TOKEN_ADD, "INSERT INTO tokens(hash, client_id, org_id, permissions, expires_at) "       \
		     "VALUES($1, $2, $3, $4, $5)")                                                 \
	X(TOKEN_GET, "SELECT client_id, org_id, permissions, expires_at FROM tokens "              \
		     "WHERE hash = $1")                                                            \
	X(TOKENS_EXPIRED_DELETE, "DELETE FROM tokens WHERE expires_at <= $1")                      \
	X(CLIENT_EXISTS, "SELECT 1 FROM oauth_clients WHERE id = $1")                              \
	X(TOKENS_OF_CLIENT_EXPIRE, "UPDATE tokens SET expires_at = $2 WHERE client_id = $1 "       \
				   "AND expires_at > $2")                                          \
	X(RATE_ADD, "INSERT INTO rate_counts(key, window_start, count) VALUES($1, $2, $3) "        \
		    "ON CONFLICT(key, window_start) DO UPDATE SET "                                \
		    "count = rate_counts.count + EXCLUDED.count RETURNING count")                  \
	X(RATE_GET, "SELECT count FROM rate_counts WHERE key = $1 AND window_start = $2")          \
	X(RATE_EXPIRE, "DELETE FROM rate_counts WHERE window_start < $1")                          \
	X(LIST_COUNT, "SELECT count(*) FROM contact_lists WHERE org_id = $1")                      \
	X(LIST_INSERT, "INSERT INTO contact_lists(id, org_id, division_id, name, name_key, "       \
		       "version, date_created, date_modified, doc) "                               \
		       "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9)")                               \
	X(LIST_GET, "SELECT id, org_id, division_id, name, version, date_created, "                \
		    "date_modified, doc FROM contact_lists WHERE org_id = $1 AND id = $2")         \
	X(LIST_UPDATE, "UPDATE contact_lists SET name = $3, name_key = $4, version = $5, "         \
		       "date_modified = $6, doc = $7 WHERE org_id = $1 AND id = $2 "               \
		       "AND version = $8")                                                         \
	X(LIST_SCAN, "SELECT id, org_id, division_id, name, version, date_created, "               \
		     "date_modified, doc FROM contact_lists WHERE org_id = $1 ORDER BY id")        \
	/* The tenant is checked where a list is found: its org_id. */                             \
	X(LIST_KEY, "SELECT key, size FROM contact_lists WHERE org_id = $1 AND id = $2")           \
	/* ...and locked, for what a writer checks about it. */                                    \
	X(LIST_LOCK, "SELECT key, size FROM contact_lists WHERE org_id = $1 AND id = $2 "          \
		     "FOR NO KEY UPDATE")                                                          \
	X(LIST_DELETE, "DELETE FROM contact_lists WHERE key = $1")                                 \
	X(LIST_CONTACTS_DELETE, "DELETE FROM contacts WHERE list_key = $1")                        \
	X(LIST_SIZE_ADD, "UPDATE contact_lists SET size = size + $2 WHERE key = $1")               \
	X(LIST_SIZE_SET, "UPDATE contact_lists SET size = $2 WHERE key = $1")                      \
	X(ORG_CONTACTS, "SELECT coalesce(sum(size), 0) FROM contact_lists WHERE org_id = $1")      \
	X(CONTACT_UPSERT, "INSERT INTO contacts AS c(list_key, id, data, callable, meta, "         \
			  "date_created, date_modified) VALUES($1, $2, $3, $4, $5, $6, $7) "       \
			  "ON CONFLICT (list_key, id) DO UPDATE SET " PG_CONTACT_UPSERT_SET_ARGS   \
			  " RETURNING xmax = 0")                                                   \
	X(CONTACT_GET, "SELECT c.id, c.data, c.callable, c.meta, c.date_created, "                 \
		       "c.date_modified FROM contacts c JOIN contact_lists l ON "                  \
		       "l.key = c.list_key WHERE l.org_id = $1 AND l.id = $2 AND c.id = $3")       \
	/* The ids in their order ($2 a text[] literal), found on the list. */                     \
	X(CONTACTS_GET, "SELECT c.id, c.data, c.callable, c.meta, c.date_created, "                \
			"c.date_modified FROM unnest($2::text[]) WITH ORDINALITY AS q(id, n) "     \
			"JOIN contacts c ON c.list_key = $1 AND c.id = q.id ORDER BY q.n")         \
	X(CONTACT_DELETE, "DELETE FROM contacts WHERE list_key = $1 AND id = $2")                  \
	X(CONTACTS_SCAN_OPEN,                                                                      \
	  "DECLARE contacts_scan BINARY NO SCROLL CURSOR FOR SELECT " PG_CONTACT_COLUMNS           \
	  " FROM contacts WHERE list_key = $1 ORDER BY id")                                        \
	X(CONTACTS_SCAN_FETCH, "FETCH FORWARD 2000 FROM contacts_scan")                            \
	X(IMPORT_INSERT,                                                                           \
	  "INSERT INTO import_jobs(id, org_id, list_id, state, total, "                            \
	  "completed, failed, blank, failure_reason, failure_detail, upload_key, "                 \
	  "rejects_key, contact_id_column, date_created, date_modified, clear_system_data, "       \
	  "ignored_columns, owner, lease_expires_at) "                                             \
	  "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, "    \
	  "$18, $19)")                                                                             \
	X(IMPORT_UPDATE, "UPDATE import_jobs SET state = $3, total = $4, completed = $5, "         \
			 "failed = $6, blank = $7, failure_reason = $8, failure_detail = $9, "     \
			 "date_modified = $10, ignored_columns = $11 WHERE id = $1 AND "           \
			 "org_id = $2 AND owner = $12")                                            \
	X(IMPORT_ACTIVE, "SELECT 1 FROM import_jobs WHERE list_id = $1 AND state IN ($2, $3)")     \
	/* $2 NULL: any organization (the sweeper). */                                             \
	X(IMPORT_GET, "SELECT " PG_IMPORT_COLUMNS " FROM import_jobs WHERE id = $1 AND "           \
		      "($2::text IS NULL OR org_id = $2)")                                         \
	X(IMPORT_LATEST, "SELECT " PG_IMPORT_COLUMNS " FROM import_jobs WHERE list_id = $1 "       \
			 "AND org_id = $2 ORDER BY date_created DESC, seq DESC LIMIT 1")           \
	/* $2 the failed state, $5 RUNNING; the owner goes, which fences it. */                    \
	X(IMPORTS_EXPIRE, "UPDATE import_jobs SET state = $2, failure_reason = $3, "               \
			  "failure_detail = $4, date_modified = $1, owner = '' WHERE state = $5 "  \
			  "AND lease_expires_at < $1")                                             \
	X(EXPORTS_EXPIRE, "UPDATE export_jobs SET state = $2, failure_detail = $3, "               \
			  "date_modified = $1, owner = '' WHERE state = $4 AND "                   \
			  "lease_expires_at < $1")                                                 \
	/* $1 RUNNING, $2 owner, $3 lease end, $4 PENDING: the oldest pending job;                 \
	 * SKIP LOCKED: claimers at once take different rows. */                                   \
	X(IMPORT_CLAIM, "UPDATE import_jobs SET state = $1, owner = $2, lease_expires_at = $3 "    \
			"WHERE seq = (SELECT seq FROM import_jobs WHERE state = $4 ORDER BY "      \
			"date_created, seq LIMIT 1 FOR UPDATE SKIP LOCKED) AND state = $4 "        \
			"RETURNING id, org_id, list_id")                                           \
	X(EXPORT_CLAIM, "UPDATE export_jobs SET state = $1, owner = $2, lease_expires_at = $3 "    \
			"WHERE seq = (SELECT seq FROM export_jobs WHERE state = $4 ORDER BY "      \
			"date_created, seq LIMIT 1 FOR UPDATE SKIP LOCKED) AND state = $4 "        \
			"RETURNING id, org_id, list_id")                                           \
	X(IMPORTS_RENEW, "UPDATE import_jobs SET lease_expires_at = $3 WHERE owner = $2 AND "      \
			 "state = $1")                                                             \
	X(EXPORTS_RENEW, "UPDATE export_jobs SET lease_expires_at = $3 WHERE owner = $2 AND "      \
			 "state = $1")                                                             \
	X(EXPORT_INSERT, "INSERT INTO export_jobs(id, org_id, list_id, state, rows, "              \
			 "file_key, failure_detail, date_created, date_modified, owner, "          \
			 "lease_expires_at) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)") \
	X(EXPORT_UPDATE, "UPDATE export_jobs SET state = $3, rows = $4, failure_detail = $5, "     \
			 "date_modified = $6 WHERE id = $1 AND org_id = $2 AND owner = $7")        \
	X(EXPORT_GET, "SELECT " PG_EXPORT_COLUMNS " FROM export_jobs WHERE id = $1 AND "           \
		      "($2::text IS NULL OR org_id = $2)")                                         \
	X(EXPORT_LATEST, "SELECT " PG_EXPORT_COLUMNS " FROM export_jobs WHERE list_id = $1 "       \
			 "AND org_id = $2 ORDER BY date_created DESC, seq DESC LIMIT 1")           \
	X(EXPORTS_ACTIVE,                                                                          \
	  "SELECT count(*) FROM export_jobs WHERE org_id = $1 AND state IN ($2, $3)")              \
	/* A list's jobs go with it; their blobs are reported to the caller. */                    \
	X(LIST_IMPORTS_DELETE, "DELETE FROM import_jobs WHERE org_id = $1 AND list_id = $2 "       \
			       "RETURNING upload_key, rejects_key")                                \
	X(LIST_EXPORTS_DELETE, "DELETE FROM export_jobs WHERE org_id = $1 AND list_id = $2 "       \
			       "RETURNING file_key")                                               \
	/* One import per list: the newest (only it can be pending or running).                    \
	 * $3, $4: the finished states. */                                                         \
	X(IMPORTS_PRUNE, "DELETE FROM import_jobs WHERE list_id = $1 AND org_id = $2 AND "         \
			 "state IN ($3, $4) AND seq <> (SELECT seq FROM import_jobs WHERE "        \
			 "list_id = $1 ORDER BY date_created DESC, seq DESC LIMIT 1) "             \
			 "RETURNING upload_key, rejects_key")                                      \
	/* One finished export per list: the newest DONE ($3) one, and what is newer. */           \
	X(EXPORTS_PRUNE, "DELETE FROM export_jobs AS old WHERE list_id = $1 AND org_id = $2 AND "  \
			 "state IN ($3, $4) AND EXISTS (SELECT 1 FROM export_jobs n WHERE "        \
			 "n.list_id = $1 AND n.state = $3 AND (n.date_created > old.date_created " \
			 "OR (n.date_created = old.date_created AND n.seq > old.seq))) "           \
			 "RETURNING file_key")                                                     \
	X(LIST_EXISTS, "SELECT 1 FROM contact_lists WHERE org_id = $1 AND id = $2")                \
	X(FILTER_COUNT, "SELECT count(*) FROM contact_list_filters WHERE org_id = $1")             \
	X(FILTER_INSERT, "INSERT INTO contact_list_filters(id, org_id, list_id, name, name_key, "  \
			 "version, date_created, date_modified, doc) "                             \
			 "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9)")                             \
	X(FILTER_GET, "SELECT id, org_id, list_id, name, version, date_created, date_modified, "   \
		      "doc FROM contact_list_filters WHERE org_id = $1 AND id = $2")               \
	X(FILTER_UPDATE,                                                                           \
	  "UPDATE contact_list_filters SET name = $3, name_key = $4, version = $5, "               \
	  "date_modified = $6, doc = $7 WHERE org_id = $1 AND id = $2 AND "                        \
	  "version = $8")                                                                          \
	X(FILTER_DELETE, "DELETE FROM contact_list_filters WHERE org_id = $1 AND id = $2")         \
	X(FILTER_SCAN, "SELECT id, org_id, list_id, name, version, date_created, date_modified, "  \
		       "doc FROM contact_list_filters WHERE org_id = $1 ORDER BY id")              \
	X(LIST_FILTERS_DELETE, "DELETE FROM contact_list_filters WHERE org_id = $1 AND "           \
			       "list_id = $2")                                                     \
	X(TEMPLATE_COUNT, "SELECT count(*) FROM contact_list_templates WHERE org_id = $1")         \
	X(TEMPLATE_INSERT, "INSERT INTO contact_list_templates(id, org_id, name, name_key, "       \
			   "version, date_created, date_modified, doc) "                           \
			   "VALUES($1, $2, $3, $4, $5, $6, $7, $8)")                               \
	X(TEMPLATE_GET, "SELECT id, org_id, name, version, date_created, date_modified, doc "      \
			"FROM contact_list_templates WHERE org_id = $1 AND id = $2")               \
	X(TEMPLATE_UPDATE, "UPDATE contact_list_templates SET name = $3, name_key = $4, "          \
			   "version = $5, date_modified = $6, doc = $7 WHERE org_id = $1 AND "     \
			   "id = $2 AND version = $8")                                             \
	X(TEMPLATE_DELETE, "DELETE FROM contact_list_templates WHERE org_id = $1 AND id = $2")     \
	X(TEMPLATE_SCAN, "SELECT id, org_id, name, version, date_created, date_modified, doc "     \
			 "FROM contact_list_templates WHERE org_id = $1 ORDER BY id")              \
	/* Blobs: a row per blob, its bytes in chunks; see pg_blobs.c. */                          \
	X(BLOB_INSERT, "INSERT INTO blobs(key) VALUES($1) RETURNING id")                           \
	X(BLOB_HOLD, "SELECT pg_advisory_lock(2, ($1::bigint % 2147483647)::int)")                 \
	X(BLOB_TRY_HOLD, "SELECT pg_try_advisory_lock(2, ($1::bigint % 2147483647)::int)")         \
	X(BLOB_UNHOLD, "SELECT pg_advisory_unlock(2, ($1::bigint % 2147483647)::int)")             \
	X(BLOB_CHUNK, "INSERT INTO blob_chunks(blob_id, seq, data) VALUES($1, $2, $3)")            \
	X(BLOB_DROP_FINISHED, "DELETE FROM blobs WHERE key = $1 AND finished")                     \
	X(BLOB_FINISH, "UPDATE blobs SET finished = true, size = $2 WHERE id = $1")                \
	X(BLOB_DROP, "DELETE FROM blobs WHERE id = $1")                                            \
	X(BLOB_DELETE, "DELETE FROM blobs WHERE key = $1")                                         \
	X(BLOB_FIND, "SELECT id, size FROM blobs WHERE key = $1 AND finished")                     \
	X(BLOB_READ, "SELECT data FROM blob_chunks WHERE blob_id = $1 AND seq = $2")               \
	X(BLOB_LIST, "SELECT id, key, finished FROM blobs ORDER BY id")

/* On a contact that exists: system state survives unless given ($8) or
 * cleared ($9), as store.h says; meta is merged as RFC 7396 says
 * (dialbook_merge_patch, in the schema) and kept compact
 * (dialbook_json_compact), as SQLite's json_patch keeps it. */
#define PG_CONTACT_UPSERT_SET_ARGS                                                                 \
	"data = EXCLUDED.data, "                                                                   \
	"callable = CASE WHEN $8 THEN EXCLUDED.callable WHEN $9 THEN true ELSE c.callable END, "   \
	"meta = CASE WHEN $5::text IS NULL AND NOT $9 THEN c.meta ELSE "                           \
	"nullif(dialbook_json_compact(dialbook_merge_patch(CASE WHEN $9 THEN "                     \
	"coalesce(c.meta, '{}')::jsonb - 'phoneNumberStatus' - 'contactableStatus' "               \
	"ELSE coalesce(c.meta, '{}')::jsonb END, coalesce($5, '{}')::jsonb)), '{}') END, "         \
	"date_modified = EXCLUDED.date_modified"

enum pg_sql {
#define X(id, sql) PG_SQL_##id,
	PG_STATEMENT_TABLE(X)
#undef X
		PG_SQL_COUNT
};

/* Why the last statement failed, when a retry may help. */
enum pg_retry { PG_RETRY_NONE, PG_RETRY_RECONNECT, PG_RETRY_AGAIN };

struct pg_store {
	struct store base;
	PGconn *conn;
	char *conninfo; /* as given to store_open (it may hold a password) */
	unsigned lock_wait_ms;
	bool prepared[PG_SQL_COUNT];
	/* The last failed statement: its SQLSTATE ("" when the connection
	 * broke) and primary message, and whether the call may run again. */
	char sqlstate[6];
	char message[200];
	enum pg_retry retry;
};

#define PG_MAX_PARAMS 20

/* A statement's parameters: text (NULL is SQL NULL), integers and bytes. */
struct pg_params {
	int n;
	const char *v[PG_MAX_PARAMS];
	int len[PG_MAX_PARAMS];
	int fmt[PG_MAX_PARAMS];
	char num[PG_MAX_PARAMS][24];
};

void pp_text(struct pg_params *p, const char *text);
void pp_int(struct pg_params *p, int64_t v);
void pp_bool(struct pg_params *p, bool v);
void pp_bytes(struct pg_params *p, const void *data, size_t len);
void pp_state(struct pg_params *p, enum job_state st);

/* Runs statement id (prepared on this connection on first use) with p
 * (may be NULL); results in text, or binary when binary. The result on
 * success (the caller PQclears it); NULL on failure, with sqlstate,
 * message and retry set (nothing logged yet: the caller decides whether
 * the failure is an answer, as a unique key taken is). */
PGresult *pg_run(struct pg_store *s, enum pg_sql id, const struct pg_params *p, bool binary);
/* pg_run for a statement whose result is not read; STORE_OK or what
 * pg_fail answers. */
int pg_exec(struct pg_store *s, enum pg_sql id, const struct pg_params *p, const char *what);
/* Records and logs the last failure (store_fail_record) by its kind;
 * returns STORE_FAILED. */
int pg_fail(struct pg_store *s, const char *what);
/* The answer to a failed INSERT or UPDATE: a unique key taken is
 * STORE_CONFLICT, a reference to a row that does not exist (an org)
 * STORE_NOT_FOUND, anything else pg_fail. */
int pg_write_failed(struct pg_store *s, const char *what);
/* BEGIN; STORE_OK or STORE_FAILED. */
int pg_begin(struct pg_store *s);
/* Ends the transaction: COMMIT when rc is STORE_OK (its failure is then
 * the answer), ROLLBACK otherwise; returns the answer. */
int pg_end(struct pg_store *s, int rc);
/* Takes the organization's advisory transaction lock. */
int pg_org_lock(struct pg_store *s, const char *org_id);

/* Every call starts here: a connection that broke is reopened first. */
void pg_call_begin(struct pg_store *s);
/* After a call answered STORE_FAILED: whether running it again may help
 * (the connection broke before anything could have committed and was
 * reopened, or a serialization failure or deadlock, a bounded number of
 * times); *attempt counts. */
bool pg_call_retry(struct pg_store *s, int *attempt);

/* rc = expr, run again while pg_call_retry says it may help. */
#define PG_CALL(s, rc, expr)                                                                       \
	do {                                                                                       \
		int attempt_ = 0;                                                                  \
		pg_call_begin(s);                                                                  \
		do                                                                                 \
			(rc) = (expr);                                                             \
		while ((rc) == STORE_FAILED && pg_call_retry((s), &attempt_));                     \
	} while (0)

/* Reading results. */
void pg_copy_text(const PGresult *r, int row, int col, char *out, size_t size);
int64_t pg_int(const PGresult *r, int row, int col);
bool pg_bool(const PGresult *r, int row, int col);
/* Binary results: an int8 and a bool column. */
int64_t pg_bin_int(const PGresult *r, int row, int col);
bool pg_bin_bool(const PGresult *r, int row, int col);
int pg_read_state(struct pg_store *s, const PGresult *r, int row, int col, enum job_state *out);

/* Whether the list is one of the org's: STORE_OK or STORE_NOT_FOUND. */
int pg_list_exists(struct pg_store *s, const char *org_id, const char *id);
/* The org's list: its key and size (locked for the transaction when
 * lock); STORE_NOT_FOUND when it is gone or another org's. */
int pg_list_key(struct pg_store *s, const char *org_id, const char *list_id, bool lock,
		int64_t *key, int64_t *size);

/* Blob keys read from job rows while a transaction deletes them, reported
 * once it has committed. */
struct pg_keys {
	char **v;
	size_t n, cap;
};
/* Keeps every non-empty column of every row of r. */
void pg_keys_collect(const PGresult *r, struct pg_keys *k);
/* Hands each key to cb (when not NULL), then frees them all. */
void pg_keys_report(struct pg_keys *k, store_key_cb cb, void *ctx);

/* A new connection to the same database, set up as the store's: for a
 * blob being written, which must not tie up the store's connection.
 * NULL (failure recorded in rec) when it cannot be opened. */
PGconn *pg_connect_more(struct pg_store *s, struct store_failure *rec);

/* The operations, named as in struct store_ops (store_backend.h). */
int pg_org_add(struct store *base, const struct org *org);
int pg_org_get_by_name(struct store *base, const char *name, struct org *out);
int pg_org_get(struct store *base, const char *id, struct org *out);
int pg_org_count(struct store *base, int64_t *out);
int pg_org_scan(struct store *base, store_org_cb cb, void *ctx);
int pg_client_add(struct store *base, const struct oauth_client *c);
int pg_client_get(struct store *base, const char *id, struct oauth_client *out);
int pg_client_list(struct store *base, store_client_cb cb, void *ctx);
int pg_client_revoke(struct store *base, const char *id);
int pg_token_add(struct store *base, const char *hash, const struct token_info *t);
int pg_token_get(struct store *base, const char *hash, struct token_info *out);
int pg_tokens_expire(struct store *base, int64_t now_ms, int64_t *deleted);
int pg_client_tokens_expire(struct store *base, const char *client_id, int64_t now_ms,
			    int64_t *expired);
int pg_template_create(struct store *base, const struct contact_list *ts,
		       const char *const *name_keys, size_t n, unsigned max_per_org, size_t *bad);
int pg_template_get(struct store *base, const char *org_id, const char *id,
		    struct contact_list *out);
int pg_template_update(struct store *base, const struct contact_list *t, const char *name_key,
		       int64_t expected_version);
int pg_template_delete_many(struct store *base, const char *org_id, const char *const *ids,
			    size_t n, const char **missing);
int pg_template_scan(struct store *base, const char *org_id, store_list_cb cb, void *ctx);
int pg_filter_create(struct store *base, const struct contact_filter *f, const char *name_key,
		     unsigned max_per_org);
int pg_filter_get(struct store *base, const char *org_id, const char *id,
		  struct contact_filter *out);
int pg_filter_update(struct store *base, const struct contact_filter *f, const char *name_key,
		     int64_t expected_version);
int pg_filter_delete_many(struct store *base, const char *org_id, const char *const *ids, size_t n,
			  const char **missing);
int pg_filter_scan(struct store *base, const char *org_id, store_filter_cb cb, void *ctx);
int pg_rate_counts_add(struct store *base, int64_t window_start, const struct rate_count *in,
		       size_t n, int64_t expire_before, int64_t *totals);
int pg_snapshot_save(struct store *base, const char *name);
int pg_snapshot_restore(struct store *base, const char *name);
/* Backups: pg_dump's job; both answer STORE_UNSUPPORTED (pg_backup.c). */
int pg_backup_to(struct store *base, const char *path, char *err, size_t err_size);
int pg_restore_from(struct store *base, const char *path, char *err, size_t err_size);

int pg_list_create(struct store *base, const struct contact_list *cl, const char *name_key,
		   unsigned max_per_org);
int pg_list_get(struct store *base, const char *org_id, const char *id, struct contact_list *out);
int pg_list_update(struct store *base, const struct contact_list *cl, const char *name_key,
		   int64_t expected_version);
int pg_list_delete_many(struct store *base, const char *org_id, const char *const *ids, size_t n,
			const char **missing, store_key_cb files, void *ctx);
int pg_list_scan(struct store *base, const char *org_id, store_list_cb cb, void *ctx);
int pg_list_size(struct store *base, const char *org_id, const char *list_id, int64_t *out);

int pg_contacts_upsert(struct store *base, const char *org_id, const char *list_id,
		       const struct contact_row *rows, size_t n, const struct contact_limits *lim,
		       size_t *added);
int pg_contact_get(struct store *base, const char *org_id, const char *list_id, const char *id,
		   struct contact_record *out);
int pg_contacts_delete(struct store *base, const char *org_id, const char *list_id,
		       const char *const *ids, size_t n, size_t *deleted);
int pg_contacts_clear(struct store *base, const char *org_id, const char *list_id);
int pg_contacts_get(struct store *base, const char *org_id, const char *list_id,
		    const char *const *ids, size_t n, store_contact_cb cb, void *ctx);
int pg_contacts_scan(struct store *base, const char *org_id, const char *list_id,
		     store_contact_cb cb, void *ctx);

int pg_import_add(struct store *base, const struct import_job *job);
int pg_import_update(struct store *base, const struct import_job *job);
int pg_import_get(struct store *base, const char *org_id, const char *id, struct import_job *out);
int pg_import_latest(struct store *base, const char *org_id, const char *list_id,
		     struct import_job *out);
int pg_export_add(struct store *base, const struct export_job *job, unsigned max_active);
int pg_export_update(struct store *base, const struct export_job *job);
int pg_export_get(struct store *base, const char *org_id, const char *id, struct export_job *out);
int pg_export_latest(struct store *base, const char *org_id, const char *list_id,
		     struct export_job *out);
int pg_jobs_prune(struct store *base, const char *org_id, const char *list_id, store_key_cb files,
		  void *ctx);
int pg_job_claim(struct store *base, const struct job_lease *lease, struct job_claimed *out);
int pg_jobs_renew(struct store *base, const struct job_lease *lease, int64_t *renewed);
int pg_jobs_expire(struct store *base, const struct job_interruption *why, int64_t *count);

int pg_blob_create(struct store *base, const char *key, struct store_blob **out);
int pg_blob_open(struct store *base, const char *key, struct store_blob_read *out);
int pg_blob_delete(struct store *base, const char *key);
int pg_blob_sweep(struct store *base, store_blob_keep_cb keep, void *ctx, unsigned *seen,
		  unsigned *deleted);

#endif
