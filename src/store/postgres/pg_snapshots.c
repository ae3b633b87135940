/* Snapshots (the control API) in PostgreSQL: a schema of copies of every
 * table but the blobs, made from one REPEATABLE READ snapshot, so that
 * concurrent writers neither wait nor show half-way. A restore truncates
 * the live tables and copies the snapshot back in one transaction: every
 * connection then sees all of the snapshot and nothing of what was there.
 * (CREATE DATABASE ... TEMPLATE cannot copy a database servers are
 * connected to.) */
#include "store/postgres/pg_internal.h"

#include <stdio.h>
#include <string.h>

/* Parents first: the order rows are copied back in. */
static const char *const tables[] = {"orgs",
				     "oauth_clients",
				     "tokens",
				     "contact_lists",
				     "contact_list_templates",
				     "contact_list_filters",
				     "contacts",
				     "import_jobs",
				     "export_jobs",
				     "rate_counts"};
#define TABLE_COUNT (sizeof(tables) / sizeof(tables[0]))

/* The snapshot's schema: a name the facade checked ([A-Za-z0-9_-], up to
 * 64) is longer than an identifier may be, so its first 40 characters
 * and a hash of the whole. */
static void schema_of(const char *name, char *out, size_t size)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	snprintf(out, size, "dialbook_snap_%.40s_%016llx", name, (unsigned long long)h);
}

/* Runs one statement of the snapshot's SQL; STORE_OK or what pg_fail says. */
static int run(struct pg_store *s, const char *sql, const char *what, PGresult **keep)
{
	PGresult *r = PQexec(s->conn, sql);
	ExecStatusType st = PQresultStatus(r);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		if (keep)
			*keep = r;
		else
			PQclear(r);
		return STORE_OK;
	}
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	snprintf(s->sqlstate, sizeof(s->sqlstate), "%s", state ? state : "");
	snprintf(s->message, sizeof(s->message), "%.*s",
		 (int)strcspn(PQerrorMessage(s->conn), "\n"), PQerrorMessage(s->conn));
	s->retry = PQstatus(s->conn) == CONNECTION_BAD ? PG_RETRY_RECONNECT : PG_RETRY_NONE;
	PQclear(r);
	return pg_fail(s, what);
}

static int save_once(struct pg_store *s, const char *schema)
{
	char sql[512];
	int rc = run(s, "BEGIN ISOLATION LEVEL REPEATABLE READ", "snapshot_save", NULL);
	if (rc)
		return rc;
	snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS \"%s\" CASCADE", schema);
	rc = run(s, sql, "snapshot_save", NULL);
	snprintf(sql, sizeof(sql), "CREATE SCHEMA \"%s\"", schema);
	if (rc == STORE_OK)
		rc = run(s, sql, "snapshot_save", NULL);
	for (size_t i = 0; rc == STORE_OK && i < TABLE_COUNT; i++) {
		snprintf(sql, sizeof(sql), "CREATE TABLE \"%s\".%s AS SELECT * FROM public.%s",
			 schema, tables[i], tables[i]);
		rc = run(s, sql, "snapshot_save", NULL);
	}
	return pg_end(s, rc);
}

int pg_snapshot_save(struct store *base, const char *name)
{
	struct pg_store *s = (struct pg_store *)base;
	char schema[96];
	schema_of(name, schema, sizeof(schema));
	int rc;
	PG_CALL(s, rc, save_once(s, schema));
	return rc;
}

static int restore_once(struct pg_store *s, const char *schema)
{
	char sql[512];
	PGresult *r = NULL;
	int rc = run(s, "BEGIN", "snapshot_restore", NULL);
	if (rc)
		return rc;
	snprintf(sql, sizeof(sql), "SELECT 1 FROM pg_namespace WHERE nspname = '%s'", schema);
	rc = run(s, sql, "snapshot_restore", &r);
	if (rc == STORE_OK && !PQntuples(r))
		rc = STORE_NOT_FOUND;
	PQclear(r);
	size_t off = (size_t)snprintf(sql, sizeof(sql), "TRUNCATE");
	for (size_t i = 0; i < TABLE_COUNT; i++)
		off += (size_t)snprintf(sql + off, sizeof(sql) - off, "%s public.%s", i ? "," : "",
					tables[i]);
	if (rc == STORE_OK)
		rc = run(s, sql, "snapshot_restore", NULL);
	for (size_t i = 0; rc == STORE_OK && i < TABLE_COUNT; i++) {
		snprintf(sql, sizeof(sql), "INSERT INTO public.%s SELECT * FROM \"%s\".%s",
			 tables[i], schema, tables[i]);
		rc = run(s, sql, "snapshot_restore", NULL);
	}
	return pg_end(s, rc);
}

int pg_snapshot_restore(struct store *base, const char *name)
{
	struct pg_store *s = (struct pg_store *)base;
	char schema[96];
	schema_of(name, schema, sizeof(schema));
	int rc;
	PG_CALL(s, rc, restore_once(s, schema));
	return rc;
}
