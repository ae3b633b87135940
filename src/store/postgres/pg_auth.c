/* Organizations, OAuth clients and tokens in PostgreSQL. */
#include "store/postgres/pg_internal.h"

#include <string.h>

static int get_org_once(struct pg_store *s, enum pg_sql id, const char *key, struct org *out)
{
	struct pg_params p = {0};
	pp_text(&p, key);
	PGresult *r = pg_run(s, id, &p, false);
	if (!r)
		return pg_fail(s, "org_get");
	int rc = STORE_NOT_FOUND;
	if (PQntuples(r)) {
		pg_copy_text(r, 0, 0, out->id, sizeof(out->id));
		pg_copy_text(r, 0, 1, out->name, sizeof(out->name));
		pg_copy_text(r, 0, 2, out->home_division_id, sizeof(out->home_division_id));
		out->date_created = pg_int(r, 0, 3);
		rc = STORE_OK;
	}
	PQclear(r);
	return rc;
}

/* A single INSERT; a unique key taken is a conflict. In BEGIN ... COMMIT,
 * so that a connection found broken before the COMMIT is retried. */
static int insert_once(struct pg_store *s, enum pg_sql id, const struct pg_params *p,
		       const char *what)
{
	if (pg_begin(s))
		return STORE_FAILED;
	PGresult *r = pg_run(s, id, p, false);
	int rc = r ? STORE_OK : pg_write_failed(s, what);
	PQclear(r);
	return pg_end(s, rc);
}

int pg_org_add(struct store *base, const struct org *org)
{
	struct pg_store *s = (struct pg_store *)base;
	struct pg_params p = {0};
	pp_text(&p, org->id);
	pp_text(&p, org->name);
	pp_text(&p, org->home_division_id);
	pp_int(&p, org->date_created);
	int rc;
	PG_CALL(s, rc, insert_once(s, PG_SQL_ORG_ADD, &p, "org_add"));
	return rc;
}

int pg_org_get_by_name(struct store *base, const char *name, struct org *out)
{
	struct pg_store *s = (struct pg_store *)base;
	int rc;
	PG_CALL(s, rc, get_org_once(s, PG_SQL_ORG_BY_NAME, name, out));
	return rc;
}

int pg_org_get(struct store *base, const char *id, struct org *out)
{
	struct pg_store *s = (struct pg_store *)base;
	int rc;
	PG_CALL(s, rc, get_org_once(s, PG_SQL_ORG_BY_ID, id, out));
	return rc;
}

/* One number from a one-row result of statement id. */
static int count_once(struct pg_store *s, enum pg_sql id, const struct pg_params *p, int64_t *out,
		      const char *what)
{
	PGresult *r = pg_run(s, id, p, false);
	if (!r)
		return pg_fail(s, what);
	*out = pg_int(r, 0, 0);
	PQclear(r);
	return STORE_OK;
}

int pg_org_count(struct store *base, int64_t *out)
{
	struct pg_store *s = (struct pg_store *)base;
	int rc;
	PG_CALL(s, rc, count_once(s, PG_SQL_ORG_COUNT, NULL, out, "org_count"));
	return rc;
}

/* Organizations are few (the tenants): one result. */
static int org_scan_once(struct pg_store *s, PGresult **out)
{
	*out = pg_run(s, PG_SQL_ORG_SCAN, NULL, false);
	return *out ? STORE_OK : pg_fail(s, "org_scan");
}

int pg_org_scan(struct store *base, store_org_cb cb, void *ctx)
{
	struct pg_store *s = (struct pg_store *)base;
	PGresult *r = NULL;
	int rc;
	PG_CALL(s, rc, org_scan_once(s, &r));
	if (rc != STORE_OK)
		return rc;
	for (int i = 0; i < PQntuples(r); i++) {
		struct org o;
		pg_copy_text(r, i, 0, o.id, sizeof(o.id));
		pg_copy_text(r, i, 1, o.name, sizeof(o.name));
		pg_copy_text(r, i, 2, o.home_division_id, sizeof(o.home_division_id));
		o.date_created = pg_int(r, i, 3);
		if (cb(&o, ctx))
			break;
	}
	PQclear(r);
	return STORE_OK;
}

int pg_client_add(struct store *base, const struct oauth_client *c)
{
	struct pg_store *s = (struct pg_store *)base;
	struct pg_params p = {0};
	pp_text(&p, c->id);
	pp_text(&p, c->org_id);
	pp_text(&p, c->name);
	pp_text(&p, c->secret_hash);
	pp_text(&p, c->grants);
	pp_int(&p, c->date_created);
	int rc;
	PG_CALL(s, rc, insert_once(s, PG_SQL_CLIENT_ADD, &p, "client_add"));
	return rc;
}

static void read_client(const PGresult *r, int row, struct oauth_client *c)
{
	memset(c, 0, sizeof(*c));
	pg_copy_text(r, row, 0, c->id, sizeof(c->id));
	pg_copy_text(r, row, 1, c->org_id, sizeof(c->org_id));
	pg_copy_text(r, row, 2, c->org_name, sizeof(c->org_name));
	pg_copy_text(r, row, 3, c->name, sizeof(c->name));
	pg_copy_text(r, row, 4, c->grants, sizeof(c->grants));
	pg_copy_text(r, row, 5, c->secret_hash, sizeof(c->secret_hash));
	c->date_created = pg_int(r, row, 6);
	c->revoked = pg_bool(r, row, 7);
}

static int client_get_once(struct pg_store *s, const char *id, struct oauth_client *out)
{
	struct pg_params p = {0};
	pp_text(&p, id);
	PGresult *r = pg_run(s, PG_SQL_CLIENT_GET, &p, false);
	if (!r)
		return pg_fail(s, "client_get");
	int rc = PQntuples(r) ? STORE_OK : STORE_NOT_FOUND;
	if (rc == STORE_OK)
		read_client(r, 0, out);
	PQclear(r);
	return rc;
}

int pg_client_get(struct store *base, const char *id, struct oauth_client *out)
{
	struct pg_store *s = (struct pg_store *)base;
	int rc;
	PG_CALL(s, rc, client_get_once(s, id, out));
	return rc;
}

/* Clients are few (one per integration): one result holds them all. */
static int client_list_once(struct pg_store *s, PGresult **out)
{
	*out = pg_run(s, PG_SQL_CLIENT_LIST, NULL, false);
	return *out ? STORE_OK : pg_fail(s, "client_list");
}

int pg_client_list(struct store *base, store_client_cb cb, void *ctx)
{
	struct pg_store *s = (struct pg_store *)base;
	PGresult *r = NULL;
	int rc;
	PG_CALL(s, rc, client_list_once(s, &r));
	if (rc != STORE_OK)
		return rc;
	for (int i = 0; i < PQntuples(r); i++) {
		struct oauth_client c;
		read_client(r, i, &c);
		if (cb(&c, ctx))
			break;
	}
	PQclear(r);
	return STORE_OK;
}

/* Revoked, and its tokens gone, in one transaction. */
static int client_revoke_once(struct pg_store *s, const char *id)
{
	struct pg_params p = {0};
	pp_text(&p, id);
	if (pg_begin(s))
		return STORE_FAILED;
	PGresult *r = pg_run(s, PG_SQL_CLIENT_REVOKE, &p, false);
	int rc = r ? STORE_OK : pg_fail(s, "client_revoke");
	if (rc == STORE_OK && strcmp(PQcmdTuples(r), "0") == 0)
		rc = STORE_NOT_FOUND;
	PQclear(r);
	if (rc == STORE_OK)
		rc = pg_exec(s, PG_SQL_TOKENS_OF_CLIENT_DELETE, &p, "client_revoke");
	return pg_end(s, rc);
}

int pg_client_revoke(struct store *base, const char *id)
{
	struct pg_store *s = (struct pg_store *)base;
	int rc;
	PG_CALL(s, rc, client_revoke_once(s, id));
	return rc;
}

/* A hash taken is a failure here: hashes of random tokens do not collide. */
static int token_add_once(struct pg_store *s, const struct pg_params *p)
{
	if (pg_begin(s))
		return STORE_FAILED;
	return pg_end(s, pg_exec(s, PG_SQL_TOKEN_ADD, p, "token_add"));
}

int pg_token_add(struct store *base, const char *hash, const struct token_info *t)
{
	struct pg_store *s = (struct pg_store *)base;
	struct pg_params p = {0};
	pp_text(&p, hash);
	pp_text(&p, t->client_id);
	pp_text(&p, t->org_id);
	pp_int(&p, (int64_t)t->permissions);
	pp_int(&p, t->expires_at);
	int rc;
	PG_CALL(s, rc, token_add_once(s, &p));
	return rc;
}

static int token_get_once(struct pg_store *s, const char *hash, struct token_info *out)
{
	struct pg_params p = {0};
	pp_text(&p, hash);
	PGresult *r = pg_run(s, PG_SQL_TOKEN_GET, &p, false);
	if (!r)
		return pg_fail(s, "token_get");
	int rc = PQntuples(r) ? STORE_OK : STORE_NOT_FOUND;
	if (rc == STORE_OK) {
		pg_copy_text(r, 0, 0, out->client_id, sizeof(out->client_id));
		pg_copy_text(r, 0, 1, out->org_id, sizeof(out->org_id));
		out->permissions = (permission_set)pg_int(r, 0, 2);
		out->expires_at = pg_int(r, 0, 3);
	}
	PQclear(r);
	return rc;
}

int pg_token_get(struct store *base, const char *hash, struct token_info *out)
{
	struct pg_store *s = (struct pg_store *)base;
	int rc;
	PG_CALL(s, rc, token_get_once(s, hash, out));
	return rc;
}

/* Rows a DELETE or UPDATE touched. */
static int changed_once(struct pg_store *s, enum pg_sql id, const struct pg_params *p,
			int64_t *changed, const char *what)
{
	PGresult *r = pg_run(s, id, p, false);
	if (!r)
		return pg_fail(s, what);
	*changed = strtoll(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return STORE_OK;
}

int pg_tokens_expire(struct store *base, int64_t now_ms, int64_t *deleted)
{
	struct pg_store *s = (struct pg_store *)base;
	struct pg_params p = {0};
	pp_int(&p, now_ms);
	int rc;
	PG_CALL(s, rc, changed_once(s, PG_SQL_TOKENS_EXPIRED_DELETE, &p, deleted, "tokens_expire"));
	return rc;
}

/* The client is found and its live tokens cut short in one transaction. */
static int client_tokens_expire_once(struct pg_store *s, const char *client_id, int64_t now_ms,
				     int64_t *expired)
{
	struct pg_params p = {0};
	pp_text(&p, client_id);
	*expired = 0;
	if (pg_begin(s))
		return STORE_FAILED;
	PGresult *r = pg_run(s, PG_SQL_CLIENT_EXISTS, &p, false);
	int rc = !r		? pg_fail(s, "client_tokens_expire")
		 : PQntuples(r) ? STORE_OK
				: STORE_NOT_FOUND;
	PQclear(r);
	pp_int(&p, now_ms);
	if (rc == STORE_OK)
		rc = changed_once(s, PG_SQL_TOKENS_OF_CLIENT_EXPIRE, &p, expired,
				  "client_tokens_expire");
	rc = pg_end(s, rc);
	if (rc != STORE_OK)
		*expired = 0;
	return rc;
}

int pg_client_tokens_expire(struct store *base, const char *client_id, int64_t now_ms,
			    int64_t *expired)
{
	struct pg_store *s = (struct pg_store *)base;
	int rc;
	PG_CALL(s, rc, client_tokens_expire_once(s, client_id, now_ms, expired));
	return rc;
}
