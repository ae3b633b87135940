/* PostgreSQL connection set-up: connecting (and saying why not, without
 * the password), versioned migrations under an advisory lock, statements
 * prepared per connection, failures by kind and the retry of a call whose
 * connection broke. One connection per thread, as with SQLite. */
#include "store/postgres/pg_internal.h"
#include "store/postgres/pg_store.h"
#include "common/log.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const statement_sql[] = {
#define X(id, sql) sql,
	PG_STATEMENT_TABLE(X)
#undef X
};

/* Migration N brings the schema from version N to N+1. Append only.
 * Ids that are listed in order are COLLATE "C": byte order, as SQLite's. */
static const char *const migrations[] = {
	"CREATE TABLE orgs("
	" id text PRIMARY KEY, name text NOT NULL UNIQUE,"
	" home_division_id text NOT NULL, date_created bigint NOT NULL);"
	"CREATE TABLE oauth_clients("
	" id text COLLATE \"C\" PRIMARY KEY, org_id text NOT NULL REFERENCES orgs(id),"
	" name text NOT NULL, secret_hash text NOT NULL, grants text NOT NULL,"
	" date_created bigint NOT NULL, revoked boolean NOT NULL DEFAULT false);"
	"CREATE TABLE tokens("
	" hash text PRIMARY KEY, client_id text NOT NULL, org_id text NOT NULL,"
	" permissions bigint NOT NULL, expires_at bigint NOT NULL);"
	"CREATE INDEX tokens_by_expiry ON tokens(expires_at);"
	"CREATE INDEX tokens_by_client ON tokens(client_id);"
	/* Contacts are keyed by the list's key: an integer in each of
	 * millions of rows instead of a 36-byte id. */
	"CREATE TABLE contact_lists("
	" key bigserial UNIQUE, id text COLLATE \"C\" PRIMARY KEY,"
	" org_id text NOT NULL REFERENCES orgs(id),"
	" division_id text NOT NULL, name text NOT NULL, name_key text NOT NULL,"
	" version bigint NOT NULL, date_created bigint NOT NULL,"
	" date_modified bigint NOT NULL, doc text NOT NULL, size bigint NOT NULL DEFAULT 0,"
	" UNIQUE(org_id, name_key));"
	"CREATE INDEX contact_lists_by_org ON contact_lists(org_id, id);"
	"CREATE TABLE contacts("
	" list_key bigint NOT NULL, id text COLLATE \"C\" NOT NULL, data bytea NOT NULL,"
	" callable boolean NOT NULL, meta text, date_created bigint NOT NULL,"
	" date_modified bigint NOT NULL, PRIMARY KEY(list_key, id));"
	/* seq orders jobs created in the same millisecond (SQLite's rowid). */
	"CREATE TABLE import_jobs("
	" seq bigserial UNIQUE, id text PRIMARY KEY, org_id text NOT NULL,"
	" list_id text NOT NULL, state text NOT NULL, total bigint NOT NULL,"
	" completed bigint NOT NULL, failed bigint NOT NULL, blank bigint NOT NULL,"
	" failure_reason text NOT NULL, failure_detail text NOT NULL,"
	" upload_key text NOT NULL, rejects_key text NOT NULL,"
	" contact_id_column text NOT NULL, date_created bigint NOT NULL,"
	" date_modified bigint NOT NULL, clear_system_data boolean NOT NULL,"
	" ignored_columns text NOT NULL, owner text NOT NULL,"
	" lease_expires_at bigint NOT NULL);"
	"CREATE INDEX import_jobs_by_list ON import_jobs(list_id, date_created);"
	"CREATE INDEX import_jobs_by_state ON import_jobs(state, date_created);"
	"CREATE TABLE export_jobs("
	" seq bigserial UNIQUE, id text PRIMARY KEY, org_id text NOT NULL,"
	" list_id text NOT NULL, state text NOT NULL, rows bigint NOT NULL,"
	" file_key text NOT NULL, failure_detail text NOT NULL,"
	" date_created bigint NOT NULL, date_modified bigint NOT NULL,"
	" owner text NOT NULL, lease_expires_at bigint NOT NULL);"
	"CREATE INDEX export_jobs_by_list ON export_jobs(list_id, date_created);"
	"CREATE INDEX export_jobs_by_state ON export_jobs(state, date_created);"
	/* Blobs live here, so that a server needs nothing but the database:
	 * a row per blob, finished or being written, and its bytes in chunks. */
	"CREATE TABLE blobs("
	" id bigserial PRIMARY KEY, key text NOT NULL,"
	" finished boolean NOT NULL DEFAULT false, size bigint NOT NULL DEFAULT 0);"
	"CREATE UNIQUE INDEX blobs_finished_key ON blobs(key) WHERE finished;"
	"CREATE INDEX blobs_by_key ON blobs(key);"
	"CREATE TABLE blob_chunks("
	" blob_id bigint NOT NULL REFERENCES blobs(id) ON DELETE CASCADE,"
	" seq integer NOT NULL, data bytea NOT NULL, PRIMARY KEY(blob_id, seq));"
	/* Rate-limit counts every server on the database adds to. */
	"CREATE TABLE rate_counts(key text NOT NULL, window_start bigint NOT NULL,"
	" count bigint NOT NULL, PRIMARY KEY(key, window_start));"
	/* RFC 7396 merge of a contact's meta, and its compact text. */
	"CREATE FUNCTION dialbook_merge_patch(t jsonb, p jsonb) RETURNS jsonb"
	" LANGUAGE plpgsql IMMUTABLE AS $$"
	" DECLARE k text; v jsonb;"
	" BEGIN"
	"  IF p IS NULL OR jsonb_typeof(p) <> 'object' THEN RETURN p; END IF;"
	"  IF t IS NULL OR jsonb_typeof(t) <> 'object' THEN t := '{}'; END IF;"
	"  FOR k, v IN SELECT * FROM jsonb_each(p) LOOP"
	"   IF jsonb_typeof(v) = 'null' THEN t := t - k;"
	"   ELSE t := jsonb_set(t, ARRAY[k], dialbook_merge_patch(t -> k, v)); END IF;"
	"  END LOOP;"
	"  RETURN t;"
	" END $$;"
	"CREATE FUNCTION dialbook_json_compact(v jsonb) RETURNS text"
	" LANGUAGE plpgsql IMMUTABLE AS $$"
	" BEGIN"
	"  IF jsonb_typeof(v) = 'object' THEN"
	"   RETURN '{' || coalesce((SELECT string_agg(to_jsonb(e.k)::text || ':' ||"
	"    dialbook_json_compact(e.x), ',') FROM jsonb_each(v) AS e(k, x)), '') || '}';"
	"  ELSIF jsonb_typeof(v) = 'array' THEN"
	"   RETURN '[' || coalesce((SELECT string_agg(dialbook_json_compact(e.x), ',' ORDER BY e.n)"
	"    FROM jsonb_array_elements(v) WITH ORDINALITY AS e(x, n)), '') || ']';"
	"  END IF;"
	"  RETURN v::text;"
	" END $$;",

	/* Contact list templates: a list's shape without contacts; names
	 * unique among the org's templates. */
	"CREATE TABLE contact_list_templates("
	" id text COLLATE \"C\" PRIMARY KEY, org_id text NOT NULL REFERENCES orgs(id),"
	" name text NOT NULL, name_key text NOT NULL, version bigint NOT NULL,"
	" date_created bigint NOT NULL, date_modified bigint NOT NULL, doc text NOT NULL,"
	" UNIQUE(org_id, name_key));"
	"CREATE INDEX contact_list_templates_by_org ON contact_list_templates(org_id, id);",

	/* Contact list filters: each of one list, deleted with it. */
	"CREATE TABLE contact_list_filters("
	" id text COLLATE \"C\" PRIMARY KEY, org_id text NOT NULL REFERENCES orgs(id),"
	" list_id text NOT NULL, name text NOT NULL, name_key text NOT NULL,"
	" version bigint NOT NULL, date_created bigint NOT NULL, date_modified bigint NOT NULL,"
	" doc text NOT NULL, UNIQUE(org_id, name_key));"
	"CREATE INDEX contact_list_filters_by_list ON contact_list_filters(list_id);",
};

#define MIGRATION_COUNT ((int)(sizeof(migrations) / sizeof(migrations[0])))

bool pg_location_is(const char *location)
{
	return location && (strncmp(location, "postgresql://", 13) == 0 ||
			    strncmp(location, "postgres://", 11) == 0);
}

void pg_location_redact(const char *uri, char *out, size_t size)
{
	/* postgresql://user:password@host/db?password=...: the userinfo's
	 * password and any password parameter go. */
	size_t o = 0;
	const char *p = uri;
	const char *scheme = strstr(uri, "://");
	const char *auth = scheme ? scheme + 3 : uri;
	const char *end = auth + strcspn(auth, "/?");
	const char *at = memchr(auth, '@', (size_t)(end - auth));
	const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
#define PUT(c)                                                                                     \
	do {                                                                                       \
		if (o + 1 < size)                                                                  \
			out[o++] = (c);                                                            \
	} while (0)
	while (*p) {
		if (colon && p == colon) {
			const char *mask = ":***";
			for (const char *m = mask; *m; m++)
				PUT(*m);
			p = at;
			continue;
		}
		if ((p > uri && (p[-1] == '?' || p[-1] == '&')) &&
		    strncmp(p, "password=", 9) == 0) {
			const char *mask = "password=***";
			for (const char *m = mask; *m; m++)
				PUT(*m);
			p += 9 + strcspn(p + 9, "&");
			continue;
		}
		PUT(*p);
		p++;
	}
#undef PUT
	if (size)
		out[o < size ? o : size - 1] = '\0';
}

/* libpq's words, first line only, with the password (if libpq ever
 * echoed it) masked. */
static void libpq_words(const char *conninfo, const char *msg, char *out, size_t size)
{
	snprintf(out, size, "%.*s", (int)strcspn(msg, "\n"), msg);
	PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
	for (PQconninfoOption *o = opts; o && o->keyword; o++) {
		if (strcmp(o->keyword, "password") != 0 || !o->val || !*o->val)
			continue;
		size_t len = strlen(o->val);
		for (char *hit = strstr(out, o->val); hit; hit = strstr(hit + 1, o->val))
			memset(hit, '*', len);
	}
	PQconninfoFree(opts);
}

/* Notices ("relation already exists, skipping") are not for the log. */
static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* What every connection runs first: how long a write waits for a lock. */
static int session_setup(PGconn *conn, unsigned lock_wait_ms)
{
	PQsetNoticeProcessor(conn, quiet, NULL);
	char sql[128];
	snprintf(sql, sizeof(sql), "SET lock_timeout = %u; SET client_min_messages = warning",
		 lock_wait_ms);
	PGresult *r = PQexec(conn, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	return ok ? 0 : -1;
}

/* Connects to uri: a server that does not answer is given up after 10 s
 * unless the URI says otherwise (its connect_timeout comes after ours). */
static PGconn *connect_uri(const char *uri)
{
	const char *const keys[] = {"connect_timeout", "dbname", NULL};
	const char *const values[] = {"10", uri, NULL};
	PGconn *conn = PQconnectdbParams(keys, values, 1);
	if (conn)
		PQsetNoticeProcessor(conn, quiet, NULL);
	return conn;
}

PGconn *pg_connect_more(struct pg_store *s, struct store_failure *rec)
{
	PGconn *conn = connect_uri(s->conninfo);
	if (PQstatus(conn) == CONNECTION_OK && session_setup(conn, s->lock_wait_ms) == 0)
		return conn;
	char words[200];
	libpq_words(s->conninfo, PQerrorMessage(conn), words, sizeof(words));
	store_fail_record(rec, "postgres", "connect", STORE_FAULT_UNAVAILABLE, "%s", words);
	PQfinish(conn);
	return NULL;
}

/* Runs one migration step's SQL in the open transaction. */
static int exec_simple(PGconn *conn, const char *sql, char *err, size_t err_size, const char *what)
{
	PGresult *r = PQexec(conn, sql);
	ExecStatusType st = PQresultStatus(r);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		PQclear(r);
		return 0;
	}
	snprintf(err, err_size, "%s: %.*s", what, (int)strcspn(PQerrorMessage(conn), "\n"),
		 PQerrorMessage(conn));
	PQclear(r);
	return -1;
}

static int read_version(PGconn *conn, int *version, char *err, size_t err_size)
{
	PGresult *r = PQexec(conn, "SELECT coalesce(max(version), 0) FROM schema_version");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		snprintf(err, err_size, "cannot read the schema version: %.*s",
			 (int)strcspn(PQerrorMessage(conn), "\n"), PQerrorMessage(conn));
		PQclear(r);
		return -1;
	}
	*version = (int)strtol(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return 0;
}

/* Applies the migrations this database lacks, each in its transaction,
 * under a session advisory lock: servers starting at once migrate one
 * at a time, and each step is applied once. */
static int migrate(PGconn *conn, char *err, size_t err_size)
{
	char lock[96];
	snprintf(lock, sizeof(lock), "SELECT pg_advisory_lock(%lld)", (long long)PG_LOCK_MIGRATE);
	if (exec_simple(conn, lock, err, err_size, "cannot lock the schema"))
		return STORE_FAILED;
	int rc = STORE_FAILED, version = 0;
	if (exec_simple(conn, "CREATE TABLE IF NOT EXISTS schema_version(version integer NOT NULL)",
			err, err_size, "cannot create the schema_version table") ||
	    read_version(conn, &version, err, err_size))
		goto out;
	if (version > MIGRATION_COUNT) {
		snprintf(err, err_size,
			 "database schema version %d is newer than this dialbookd knows (%d)",
			 version, MIGRATION_COUNT);
		goto out;
	}
	for (int v = version; v < MIGRATION_COUNT; v++) {
		char done[96];
		snprintf(done, sizeof(done), "INSERT INTO schema_version VALUES(%d)", v + 1);
		if (exec_simple(conn, "BEGIN", err, err_size, "schema migration failed"))
			goto out;
		if (exec_simple(conn, migrations[v], err, err_size, "schema migration failed") ||
		    exec_simple(conn, done, err, err_size, "schema migration failed") ||
		    exec_simple(conn, "COMMIT", err, err_size, "schema migration failed")) {
			PQclear(PQexec(conn, "ROLLBACK"));
			goto out;
		}
	}
	rc = STORE_OK;
out:
	snprintf(lock, sizeof(lock), "SELECT pg_advisory_unlock(%lld)", (long long)PG_LOCK_MIGRATE);
	PQclear(PQexec(conn, lock));
	return rc;
}

/* ---- Parameters and results ------------------------------------------ */

static int pp_next(struct pg_params *p)
{
	if (p->n >= PG_MAX_PARAMS)
		abort(); /* a statement of the table has more: a bug here */
	return p->n++;
}

void pp_text(struct pg_params *p, const char *text)
{
	int i = pp_next(p);
	p->v[i] = text;
	p->len[i] = 0;
	p->fmt[i] = 0;
}

void pp_int(struct pg_params *p, int64_t v)
{
	int i = pp_next(p);
	snprintf(p->num[i], sizeof(p->num[i]), "%" PRId64, v);
	p->v[i] = p->num[i];
	p->len[i] = 0;
	p->fmt[i] = 0;
}

void pp_bool(struct pg_params *p, bool v)
{
	pp_text(p, v ? "t" : "f");
}

void pp_bytes(struct pg_params *p, const void *data, size_t len)
{
	int i = pp_next(p);
	p->v[i] = len ? data : "";
	p->len[i] = (int)len;
	p->fmt[i] = 1;
}

void pp_state(struct pg_params *p, enum job_state st)
{
	pp_text(p, job_state_name(st));
}

void pg_copy_text(const PGresult *r, int row, int col, char *out, size_t size)
{
	snprintf(out, size, "%s", PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col));
}

int64_t pg_int(const PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

bool pg_bool(const PGresult *r, int row, int col)
{
	return PQgetvalue(r, row, col)[0] == 't';
}

int64_t pg_bin_int(const PGresult *r, int row, int col)
{
	const unsigned char *b = (const unsigned char *)PQgetvalue(r, row, col);
	uint64_t v = 0;
	if (PQgetlength(r, row, col) != 8)
		return 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return (int64_t)v;
}

bool pg_bin_bool(const PGresult *r, int row, int col)
{
	return PQgetlength(r, row, col) == 1 && PQgetvalue(r, row, col)[0] != 0;
}

int pg_read_state(struct pg_store *s, const PGresult *r, int row, int col, enum job_state *out)
{
	const char *text = PQgetvalue(r, row, col);
	if (job_state_parse(text, out) == 0)
		return STORE_OK;
	return store_fail_record(&s->base.failure, "postgres", "read_state", STORE_FAULT_CORRUPT,
				 "unknown job state %.32s", text);
}

/* ---- Statements, failures and retries -------------------------------- */

/* Whether a statement writes (outside BEGIN it commits on its own). */
static bool writes(enum pg_sql id)
{
	const char *sql = statement_sql[id];
	return strncmp(sql, "INSERT", 6) == 0 || strncmp(sql, "UPDATE", 6) == 0 ||
	       strncmp(sql, "DELETE", 6) == 0 || id == PG_SQL_COMMIT;
}

/* Remembers why the connection's last statement failed; `may_have_committed`:
 * it wrote outside a transaction (or was COMMIT), so it may have
 * committed before the connection broke. */
static void note_failure(struct pg_store *s, const PGresult *r, bool may_have_committed)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	snprintf(s->sqlstate, sizeof(s->sqlstate), "%s", state ? state : "");
	if (!primary)
		primary = PQerrorMessage(s->conn);
	snprintf(s->message, sizeof(s->message), "%.*s", (int)strcspn(primary, "\n"), primary);
	s->retry = PG_RETRY_NONE;
	if (PQstatus(s->conn) == CONNECTION_BAD || strncmp(s->sqlstate, "08", 2) == 0) {
		/* A write that got no answer may have committed: not again. */
		if (!may_have_committed)
			s->retry = PG_RETRY_RECONNECT;
	} else if (strcmp(s->sqlstate, "40001") == 0 || strcmp(s->sqlstate, "40P01") == 0) {
		s->retry = PG_RETRY_AGAIN;
	}
}

PGresult *pg_run(struct pg_store *s, enum pg_sql id, const struct pg_params *p, bool binary)
{
	static const struct pg_params none = {0};
	char name[16];
	snprintf(name, sizeof(name), "d%d", (int)id);
	if (!p)
		p = &none;
	bool alone =
		writes(id) && (id == PG_SQL_COMMIT || PQtransactionStatus(s->conn) == PQTRANS_IDLE);
	if (!s->prepared[id]) {
		PGresult *r = PQprepare(s->conn, name, statement_sql[id], p->n, NULL);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			note_failure(s, r, false);
			PQclear(r);
			return NULL;
		}
		PQclear(r);
		s->prepared[id] = true;
	}
	PGresult *r = PQexecPrepared(s->conn, name, p->n, p->v, p->len, p->fmt, binary ? 1 : 0);
	ExecStatusType st = PQresultStatus(r);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return r;
	note_failure(s, r, alone);
	PQclear(r);
	return NULL;
}

int pg_exec(struct pg_store *s, enum pg_sql id, const struct pg_params *p, const char *what)
{
	PGresult *r = pg_run(s, id, p, false);
	if (!r)
		return pg_fail(s, what);
	PQclear(r);
	return STORE_OK;
}

/* SQLSTATEs by kind of failure. */
static enum store_fault pg_fault(const struct pg_store *s)
{
	const char *c = s->sqlstate;
	if (!*c || PQstatus(s->conn) == CONNECTION_BAD || strncmp(c, "08", 2) == 0 ||
	    strcmp(c, "57P01") == 0 || strcmp(c, "57P02") == 0 || strcmp(c, "57P03") == 0)
		return STORE_FAULT_UNAVAILABLE;
	if (strcmp(c, "55P03") == 0 || strcmp(c, "40001") == 0 || strcmp(c, "40P01") == 0 ||
	    strcmp(c, "57014") == 0)
		return STORE_FAULT_BUSY;
	if (strcmp(c, "53100") == 0)
		return STORE_FAULT_FULL;
	if (strcmp(c, "53200") == 0)
		return STORE_FAULT_MEMORY;
	if (strcmp(c, "58030") == 0)
		return STORE_FAULT_IO;
	if (strcmp(c, "XX001") == 0 || strcmp(c, "XX002") == 0)
		return STORE_FAULT_CORRUPT;
	return STORE_FAULT_INTERNAL;
}

int pg_fail(struct pg_store *s, const char *what)
{
	return store_fail_record(&s->base.failure, "postgres", what, pg_fault(s), "%s%s%s",
				 s->sqlstate, *s->sqlstate ? ": " : "", s->message);
}

int pg_write_failed(struct pg_store *s, const char *what)
{
	if (strcmp(s->sqlstate, "23503") == 0)
		return STORE_NOT_FOUND;
	if (strcmp(s->sqlstate, "23505") == 0)
		return STORE_CONFLICT;
	return pg_fail(s, what);
}

int pg_begin(struct pg_store *s)
{
	return pg_exec(s, PG_SQL_BEGIN, NULL, "begin");
}

int pg_end(struct pg_store *s, int rc)
{
	if (rc == STORE_OK)
		return pg_exec(s, PG_SQL_COMMIT, NULL, "commit");
	if (PQtransactionStatus(s->conn) != PQTRANS_IDLE) {
		/* The failure's reason stays the one recorded. */
		char state[sizeof(s->sqlstate)], message[sizeof(s->message)];
		enum pg_retry retry = s->retry;
		memcpy(state, s->sqlstate, sizeof(state));
		memcpy(message, s->message, sizeof(message));
		PGresult *r = pg_run(s, PG_SQL_ROLLBACK, NULL, false);
		PQclear(r);
		memcpy(s->sqlstate, state, sizeof(state));
		memcpy(s->message, message, sizeof(message));
		s->retry = retry;
	}
	return rc;
}

int pg_org_lock(struct pg_store *s, const char *org_id)
{
	struct pg_params p = {0};
	pp_text(&p, org_id);
	return pg_exec(s, PG_SQL_ORG_LOCK, &p, "org_lock");
}

static int reconnect(struct pg_store *s)
{
	PQreset(s->conn);
	memset(s->prepared, 0, sizeof(s->prepared));
	if (PQstatus(s->conn) != CONNECTION_OK || session_setup(s->conn, s->lock_wait_ms) != 0)
		return -1;
	log_event(LOG_INFO, "event=store_reconnected backend=postgres");
	return 0;
}

void pg_call_begin(struct pg_store *s)
{
	s->retry = PG_RETRY_NONE;
	if (PQstatus(s->conn) != CONNECTION_OK)
		reconnect(s);
}

bool pg_call_retry(struct pg_store *s, int *attempt)
{
	enum pg_retry why = s->retry;
	s->retry = PG_RETRY_NONE;
	(*attempt)++;
	if (why == PG_RETRY_RECONNECT && *attempt <= 1) {
		if (reconnect(s) != 0)
			return false;
	} else if (why == PG_RETRY_AGAIN && *attempt <= 5) {
		usleep((useconds_t)(1000 * *attempt * *attempt));
	} else {
		return false;
	}
	s->base.failure.fault = STORE_FAULT_NONE;
	s->base.failure.detail[0] = '\0';
	return true;
}

int pg_list_exists(struct pg_store *s, const char *org_id, const char *id)
{
	struct pg_params p = {0};
	pp_text(&p, org_id);
	pp_text(&p, id);
	PGresult *r = pg_run(s, PG_SQL_LIST_EXISTS, &p, false);
	if (!r)
		return pg_fail(s, "list_exists");
	int rc = PQntuples(r) ? STORE_OK : STORE_NOT_FOUND;
	PQclear(r);
	return rc;
}

int pg_list_key(struct pg_store *s, const char *org_id, const char *list_id, bool lock,
		int64_t *key, int64_t *size)
{
	struct pg_params p = {0};
	pp_text(&p, org_id);
	pp_text(&p, list_id);
	PGresult *r = pg_run(s, lock ? PG_SQL_LIST_LOCK : PG_SQL_LIST_KEY, &p, false);
	if (!r)
		return pg_fail(s, "list_key");
	int rc = STORE_NOT_FOUND;
	if (PQntuples(r)) {
		*key = pg_int(r, 0, 0);
		if (size)
			*size = pg_int(r, 0, 1);
		rc = STORE_OK;
	}
	PQclear(r);
	return rc;
}

/* ---- Opening and closing --------------------------------------------- */

static void pg_close(struct store *base)
{
	struct pg_store *s = (struct pg_store *)base;
	PQfinish(s->conn);
	free(s->conninfo);
	free(s);
}

static const struct store_ops pg_ops = {
	.name = "postgres",
	.close = pg_close,
	.org_add = pg_org_add,
	.org_get_by_name = pg_org_get_by_name,
	.org_get = pg_org_get,
	.org_count = pg_org_count,
	.org_scan = pg_org_scan,
	.client_add = pg_client_add,
	.client_get = pg_client_get,
	.client_list = pg_client_list,
	.client_revoke = pg_client_revoke,
	.token_add = pg_token_add,
	.token_get = pg_token_get,
	.tokens_expire = pg_tokens_expire,
	.client_tokens_expire = pg_client_tokens_expire,
	.list_create = pg_list_create,
	.list_get = pg_list_get,
	.list_update = pg_list_update,
	.list_delete_many = pg_list_delete_many,
	.list_scan = pg_list_scan,
	.list_size = pg_list_size,
	.template_create = pg_template_create,
	.template_get = pg_template_get,
	.template_update = pg_template_update,
	.template_delete_many = pg_template_delete_many,
	.template_scan = pg_template_scan,
	.filter_create = pg_filter_create,
	.filter_get = pg_filter_get,
	.filter_update = pg_filter_update,
	.filter_delete_many = pg_filter_delete_many,
	.filter_scan = pg_filter_scan,
	.contacts_upsert = pg_contacts_upsert,
	.contact_get = pg_contact_get,
	.contacts_delete = pg_contacts_delete,
	.contacts_clear = pg_contacts_clear,
	.contacts_get = pg_contacts_get,
	.contacts_scan = pg_contacts_scan,
	.import_add = pg_import_add,
	.import_update = pg_import_update,
	.import_get = pg_import_get,
	.import_latest = pg_import_latest,
	.export_add = pg_export_add,
	.export_update = pg_export_update,
	.export_get = pg_export_get,
	.export_latest = pg_export_latest,
	.jobs_prune = pg_jobs_prune,
	.job_claim = pg_job_claim,
	.jobs_renew = pg_jobs_renew,
	.jobs_expire = pg_jobs_expire,
	.blob_create = pg_blob_create,
	.blob_open = pg_blob_open,
	.blob_delete = pg_blob_delete,
	.blob_sweep = pg_blob_sweep,
	.rate_counts_add = pg_rate_counts_add,
	.snapshot_save = pg_snapshot_save,
	.snapshot_restore = pg_snapshot_restore,
	.backup_to = pg_backup_to,
	.restore_from = pg_restore_from,
};

int pg_store_open(const char *uri, const struct store_options *opt, struct store **out, char *err,
		  size_t err_size)
{
	*out = NULL;
	char shown[512];
	pg_location_redact(uri, shown, sizeof(shown));
	struct pg_store *s = calloc(1, sizeof(*s));
	if (!s || !(s->conninfo = strdup(uri))) {
		free(s);
		snprintf(err, err_size, "out of memory");
		return STORE_FAILED;
	}
	s->base.ops = &pg_ops;
	s->lock_wait_ms = opt->lock_wait_ms;
	s->conn = connect_uri(uri);
	if (PQstatus(s->conn) != CONNECTION_OK) {
		char words[256];
		libpq_words(uri, PQerrorMessage(s->conn), words, sizeof(words));
		snprintf(err, err_size, "cannot connect to PostgreSQL at %s: %s", shown, words);
		goto fail;
	}
	/* Before lock_timeout is set: another server's migration is waited
	 * for as long as it takes. */
	if (migrate(s->conn, err, err_size) != STORE_OK)
		goto fail;
	if (session_setup(s->conn, s->lock_wait_ms) != 0) {
		snprintf(err, err_size, "cannot set up the PostgreSQL session at %s: %.*s", shown,
			 (int)strcspn(PQerrorMessage(s->conn), "\n"), PQerrorMessage(s->conn));
		goto fail;
	}
	*out = &s->base;
	return STORE_OK;
fail:
	pg_close(&s->base);
	return STORE_FAILED;
}
