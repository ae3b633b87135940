/* Organizations, OAuth clients and tokens in SQLite. */
#include "store/sqlite/sqlite_internal.h"

#include <string.h>

static void read_org(sqlite3_stmt *st, struct org *out)
{
	sql_copy_text(st, 0, out->id, sizeof(out->id));
	sql_copy_text(st, 1, out->name, sizeof(out->name));
	sql_copy_text(st, 2, out->home_division_id, sizeof(out->home_division_id));
	out->date_created = sqlite3_column_int64(st, 3);
}

static int get_org(struct sqlite_store *s, enum sql_statement id, const char *key, struct org *out)
{
	sqlite3_stmt *st = sql_stmt(s, id);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (out)
			read_org(st, out);
		sqlite3_reset(st);
		return STORE_OK;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : sql_fail(s, "org_get");
}

int sqlite_org_add(struct store *base, const struct org *org)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = sql_stmt(s, SQL_ORG_ADD);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_text(st, 1, org->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, org->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, org->home_division_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, org->date_created);
	int rc = sqlite3_step(st) == SQLITE_DONE ? STORE_OK : sql_write_failed(s, "org_add");
	sqlite3_reset(st);
	return rc;
}

int sqlite_org_get_by_name(struct store *base, const char *name, struct org *out)
{
	return get_org((struct sqlite_store *)base, SQL_ORG_BY_NAME, name, out);
}

int sqlite_org_get(struct store *base, const char *id, struct org *out)
{
	return get_org((struct sqlite_store *)base, SQL_ORG_BY_ID, id, out);
}

int sqlite_org_count(struct store *base, int64_t *out)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = sql_stmt(s, SQL_ORG_COUNT);
	if (!st)
		return STORE_FAILED;
	if (sqlite3_step(st) != SQLITE_ROW)
		return sql_fail(s, "org_count");
	*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return STORE_OK;
}

int sqlite_org_scan(struct store *base, store_org_cb cb, void *ctx)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = sql_stmt(s, SQL_ORG_SCAN);
	if (!st)
		return STORE_FAILED;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct org o;
		read_org(st, &o);
		if (cb(&o, ctx))
			break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sql_fail(s, "org_scan");
}

int sqlite_client_add(struct store *base, const struct oauth_client *c)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = sql_stmt(s, SQL_CLIENT_ADD);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c->org_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, c->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, c->secret_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, c->grants, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, c->date_created);
	int rc = sqlite3_step(st) == SQLITE_DONE ? STORE_OK : sql_write_failed(s, "client_add");
	sqlite3_reset(st);
	return rc;
}

static void read_client(sqlite3_stmt *st, struct oauth_client *c)
{
	sql_copy_text(st, 0, c->id, sizeof(c->id));
	sql_copy_text(st, 1, c->org_id, sizeof(c->org_id));
	sql_copy_text(st, 2, c->org_name, sizeof(c->org_name));
	sql_copy_text(st, 3, c->name, sizeof(c->name));
	sql_copy_text(st, 4, c->grants, sizeof(c->grants));
	sql_copy_text(st, 5, c->secret_hash, sizeof(c->secret_hash));
	c->date_created = sqlite3_column_int64(st, 6);
	c->revoked = sqlite3_column_int(st, 7) != 0;
}

int sqlite_client_get(struct store *base, const char *id, struct oauth_client *out)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = sql_stmt(s, SQL_CLIENT_GET);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_client(st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : sql_fail(s, "client_get");
}

int sqlite_client_list(struct store *base, store_client_cb cb, void *ctx)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = sql_stmt(s, SQL_CLIENT_LIST);
	if (!st)
		return STORE_FAILED;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct oauth_client c;
		read_client(st, &c);
		if (cb(&c, ctx))
			break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sql_fail(s, "client_list");
}

int sqlite_client_revoke(struct store *base, const char *id)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	if (sql_exec(s, SQL_BEGIN))
		return STORE_FAILED;
	sqlite3_stmt *st = sql_stmt(s, SQL_CLIENT_REVOKE);
	if (!st)
		goto fail;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	int changed = sqlite3_changes(s->db);
	sqlite3_reset(st);
	if (changed == 0) {
		sql_exec(s, SQL_ROLLBACK);
		return STORE_NOT_FOUND;
	}
	st = sql_stmt(s, SQL_TOKENS_OF_CLIENT_DELETE);
	if (!st)
		goto fail;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_reset(st);
	return sql_exec(s, SQL_COMMIT);
fail:
	sql_fail(s, "client_revoke");
	sql_exec(s, SQL_ROLLBACK);
	return STORE_FAILED;
}

int sqlite_token_add(struct store *base, const char *hash, const struct token_info *t)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = sql_stmt(s, SQL_TOKEN_ADD);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, t->client_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, t->org_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)t->permissions);
	sqlite3_bind_int64(st, 5, t->expires_at);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : sql_fail(s, "token_add");
}

int sqlite_tokens_expire(struct store *base, int64_t now_ms, int64_t *deleted)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = sql_stmt(s, SQL_TOKENS_EXPIRED_DELETE);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_int64(st, 1, now_ms);
	int rc = sqlite3_step(st);
	*deleted = sqlite3_changes(s->db);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : sql_fail(s, "tokens_expire");
}

int sqlite_token_get(struct store *base, const char *hash, struct token_info *out)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = sql_stmt(s, SQL_TOKEN_GET);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		sql_copy_text(st, 0, out->client_id, sizeof(out->client_id));
		sql_copy_text(st, 1, out->org_id, sizeof(out->org_id));
		out->permissions = (permission_set)sqlite3_column_int64(st, 2);
		out->expires_at = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : sql_fail(s, "token_get");
}

/* Whether the client exists and how many of its tokens now end: one
 * transaction, so a token is either found by it or added after it. */
int sqlite_client_tokens_expire(struct store *base, const char *client_id, int64_t now_ms,
				int64_t *expired)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	if (sql_exec(s, SQL_BEGIN))
		return STORE_FAILED;
	sqlite3_stmt *st = sql_stmt(s, SQL_CLIENT_GET);
	if (!st)
		goto fail;
	sqlite3_bind_text(st, 1, client_id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	sqlite3_reset(st);
	if (step == SQLITE_DONE) {
		sql_exec(s, SQL_ROLLBACK);
		return STORE_NOT_FOUND;
	}
	if (step != SQLITE_ROW)
		goto fail;
	st = sql_stmt(s, SQL_TOKENS_OF_CLIENT_EXPIRE);
	if (!st)
		goto fail;
	sqlite3_bind_text(st, 1, client_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now_ms);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	*expired = sqlite3_changes(s->db);
	sqlite3_reset(st);
	return sql_exec(s, SQL_COMMIT);
fail:
	sql_fail(s, "client_tokens_expire");
	sql_exec(s, SQL_ROLLBACK);
	return STORE_FAILED;
}
