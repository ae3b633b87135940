/* Contacts by COPY: a batch is streamed in PostgreSQL's binary COPY
 * format into a temporary staging table (ON COMMIT DELETE ROWS, one per
 * connection), a buffer of PG_COPY_BUFFER bytes at a time; a probe counts
 * the staged ids the list holds already, then one statement applies the
 * batch: a plain INSERT when there are none (an import into a new list),
 * else an INSERT ... ON CONFLICT that updates those and inserts the others. The
 * caller holds the list's row lock, which every writer of the list's
 * contacts takes first. */
#include "store/postgres/pg_copy.h"

#include <stdlib.h>
#include <string.h>

#define PG_COPY_BUFFER (64 * 1024)

/* The stage: one per connection, emptied by each commit. */
static const char stage_sql[] =
	"CREATE TEMP TABLE IF NOT EXISTS contact_stage(id text COLLATE \"C\" NOT NULL,"
	" data bytea NOT NULL, callable boolean NOT NULL, meta text,"
	" date_created bigint NOT NULL, date_modified bigint NOT NULL,"
	" callable_given boolean NOT NULL, clear_system boolean NOT NULL)"
	" ON COMMIT DELETE ROWS";

/* How many staged ids the list holds already: a scalar subquery per row
 * is one probe of the list's index each (a join may be planned as a scan
 * of the whole list, which grows with every batch). */
static const char probe_sql[] =
	"SELECT count(*) FILTER (WHERE (SELECT true FROM contacts c WHERE c.list_key = $1"
	" AND c.id = s.id)) FROM contact_stage s";

/* None: a plain INSERT, twice as fast as the ON CONFLICT below. */
static const char insert_sql[] =
	"INSERT INTO contacts(list_key, id, data, callable, meta, date_created, date_modified)"
	" SELECT $1, id, data, callable, meta, date_created, date_modified FROM contact_stage";

/* Some: the flags of their rows are looked up in the stage by id. */
static const char index_sql[] =
	"CREATE INDEX IF NOT EXISTS contact_stage_by_id ON contact_stage(id)";

/* An INSERT ... ON CONFLICT: each staged row probes the list's index, so
 * a batch costs the same whatever the list's size (a join of the stage
 * with the list may be planned as a scan of the whole list). A contact
 * that exists is updated as PG_CONTACT_UPSERT_SET_ARGS says, its row's
 * flags looked up in the stage by id. */
static const char apply_sql[] =
	"WITH ins AS (INSERT INTO contacts AS c(list_key, id, data, callable, meta, date_created,"
	" date_modified) SELECT $1, id, data, callable, meta, date_created, date_modified"
	" FROM contact_stage ON CONFLICT (list_key, id) DO UPDATE SET data = EXCLUDED.data,"
	" callable = CASE WHEN (SELECT s.callable_given FROM contact_stage s WHERE s.id ="
	" EXCLUDED.id) THEN EXCLUDED.callable WHEN (SELECT s.clear_system FROM contact_stage s"
	" WHERE s.id = EXCLUDED.id) THEN true ELSE c.callable END,"
	" meta = CASE WHEN EXCLUDED.meta IS NULL AND NOT (SELECT s.clear_system FROM"
	" contact_stage s WHERE s.id = EXCLUDED.id) THEN c.meta ELSE"
	" nullif(dialbook_json_compact(dialbook_merge_patch(CASE WHEN (SELECT s.clear_system"
	" FROM contact_stage s WHERE s.id = EXCLUDED.id) THEN coalesce(c.meta, '{}')::jsonb"
	" - 'phoneNumberStatus' - 'contactableStatus' ELSE coalesce(c.meta, '{}')::jsonb END,"
	" coalesce(EXCLUDED.meta, '{}')::jsonb)), '{}') END,"
	" date_modified = EXCLUDED.date_modified RETURNING xmax = 0 AS inserted)"
	" SELECT count(*) FILTER (WHERE inserted) FROM ins";

static int by_id(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool pg_copy_has_duplicates(const struct contact_row *rows, size_t n)
{
	const char **ids = malloc(n * sizeof(*ids));
	if (!ids)
		return true; /* row by row needs no memory */
	for (size_t i = 0; i < n; i++)
		ids[i] = rows[i].id;
	qsort(ids, n, sizeof(*ids), by_id);
	bool dup = false;
	for (size_t i = 1; i < n && !dup; i++)
		dup = strcmp(ids[i - 1], ids[i]) == 0;
	free(ids);
	return dup;
}

/* The COPY buffer: sent whenever full. */
struct copy_out {
	PGconn *conn;
	char buf[PG_COPY_BUFFER];
	size_t used;
	bool failed;
};

static void send_buf(struct copy_out *o)
{
	if (o->used && !o->failed && PQputCopyData(o->conn, o->buf, (int)o->used) != 1)
		o->failed = true;
	o->used = 0;
}

static void put(struct copy_out *o, const void *p, size_t len)
{
	const char *c = p;
	while (len) {
		if (o->used == sizeof(o->buf))
			send_buf(o);
		size_t n = sizeof(o->buf) - o->used;
		if (n > len)
			n = len;
		memcpy(o->buf + o->used, c, n);
		o->used += n;
		c += n;
		len -= n;
	}
}

static void put_be(struct copy_out *o, uint64_t v, int bytes)
{
	unsigned char b[8];
	for (int i = 0; i < bytes; i++)
		b[i] = (unsigned char)(v >> (8 * (bytes - 1 - i)));
	put(o, b, (size_t)bytes);
}

static void put_field(struct copy_out *o, const void *p, size_t len)
{
	put_be(o, (uint32_t)len, 4);
	put(o, p, len);
}

static void put_null(struct copy_out *o)
{
	put_be(o, 0xffffffffu, 4);
}

static void put_bool(struct copy_out *o, bool v)
{
	unsigned char b = v;
	put_field(o, &b, 1);
}

static void put_int8(struct copy_out *o, int64_t v)
{
	put_be(o, 8, 4);
	put_be(o, (uint64_t)v, 8);
}

static void put_row(struct copy_out *o, const struct contact_row *r)
{
	put_be(o, 8, 2); /* fields */
	put_field(o, r->id, strlen(r->id));
	put_field(o, r->packed, r->packed_len);
	put_bool(o, r->callable);
	if (r->meta)
		put_field(o, r->meta, strlen(r->meta));
	else
		put_null(o);
	put_int8(o, r->date_created);
	put_int8(o, r->date_modified);
	put_bool(o, r->callable_given);
	put_bool(o, r->clear_system);
}

/* Streams the rows into the stage; STORE_OK or STORE_FAILED. */
static int copy_rows(struct pg_store *s, const struct contact_row *rows, size_t n)
{
	PGresult *r = PQexec(s->conn, "COPY contact_stage FROM STDIN (FORMAT binary)");
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		snprintf(s->sqlstate, sizeof(s->sqlstate), "%s",
			 PQresultErrorField(r, PG_DIAG_SQLSTATE)
				 ? PQresultErrorField(r, PG_DIAG_SQLSTATE)
				 : "");
		snprintf(s->message, sizeof(s->message), "%.*s",
			 (int)strcspn(PQerrorMessage(s->conn), "\n"), PQerrorMessage(s->conn));
		PQclear(r);
		return pg_fail(s, "contacts_copy");
	}
	PQclear(r);
	struct copy_out *o = malloc(sizeof(*o));
	if (!o) {
		PQputCopyEnd(s->conn, "out of memory");
		PQclear(PQgetResult(s->conn));
		return store_fail_record(&s->base.failure, "postgres", "contacts_copy",
					 STORE_FAULT_MEMORY, "out of memory");
	}
	o->conn = s->conn;
	o->used = 0;
	o->failed = false;
	static const char header[] = "PGCOPY\n\377\r\n";
	put(o, header, 11);
	put_be(o, 0, 4); /* flags */
	put_be(o, 0, 4); /* header extension */
	for (size_t i = 0; i < n; i++)
		put_row(o, &rows[i]);
	put_be(o, 0xffff, 2); /* trailer */
	send_buf(o);
	bool failed = o->failed;
	free(o);
	if (PQputCopyEnd(s->conn, failed ? "send failed" : NULL) != 1)
		failed = true;
	int rc = STORE_OK;
	while ((r = PQgetResult(s->conn)) != NULL) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == STORE_OK) {
			const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
			snprintf(s->sqlstate, sizeof(s->sqlstate), "%s", state ? state : "");
			snprintf(s->message, sizeof(s->message), "%.*s",
				 (int)strcspn(PQerrorMessage(s->conn), "\n"),
				 PQerrorMessage(s->conn));
			rc = STORE_FAILED;
		}
		PQclear(r);
	}
	if (rc == STORE_OK && failed) {
		snprintf(s->sqlstate, sizeof(s->sqlstate), "%s", "");
		snprintf(s->message, sizeof(s->message), "%s", "cannot send the COPY data");
		rc = STORE_FAILED;
	}
	if (rc != STORE_OK) {
		s->retry = PQstatus(s->conn) == CONNECTION_BAD ? PG_RETRY_RECONNECT : PG_RETRY_NONE;
		return pg_fail(s, "contacts_copy");
	}
	return STORE_OK;
}

/* Unprepared: each runs once per batch. Without parameters (p NULL) the
 * simple protocol, which takes several statements (the stage's). */
static PGresult *exec_params(struct pg_store *s, const char *sql, const struct pg_params *p)
{
	PGresult *r = p ? PQexecParams(s->conn, sql, p->n, NULL, p->v, p->len, p->fmt, 0)
			: PQexec(s->conn, sql);
	ExecStatusType st = PQresultStatus(r);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return r;
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	snprintf(s->sqlstate, sizeof(s->sqlstate), "%s", state ? state : "");
	snprintf(s->message, sizeof(s->message), "%.*s",
		 (int)strcspn(PQerrorMessage(s->conn), "\n"), PQerrorMessage(s->conn));
	s->retry = PQstatus(s->conn) == CONNECTION_BAD ? PG_RETRY_RECONNECT : PG_RETRY_NONE;
	PQclear(r);
	return NULL;
}

int pg_copy_upsert(struct pg_store *s, int64_t key, const struct contact_row *rows, size_t n,
		   size_t *added)
{
	PGresult *r = exec_params(s, stage_sql, NULL);
	if (!r)
		return pg_fail(s, "contacts_stage");
	PQclear(r);
	int rc = copy_rows(s, rows, n);
	if (rc != STORE_OK)
		return rc;
	struct pg_params p = {0};
	pp_int(&p, key);
	if (!(r = exec_params(s, probe_sql, &p)))
		return pg_fail(s, "contacts_probe");
	int64_t existing = pg_int(r, 0, 0);
	PQclear(r);
	if (!existing) {
		if (!(r = exec_params(s, insert_sql, &p)))
			return pg_fail(s, "contacts_insert");
		*added += (size_t)strtoull(PQcmdTuples(r), NULL, 10);
		PQclear(r);
		return STORE_OK;
	}
	if (!(r = exec_params(s, index_sql, NULL)))
		return pg_fail(s, "contacts_stage");
	PQclear(r);
	if (!(r = exec_params(s, apply_sql, &p)))
		return pg_fail(s, "contacts_apply");
	*added += (size_t)pg_int(r, 0, 0);
	PQclear(r);
	return STORE_OK;
}
