/* The tracing backend: wraps any other and logs one debug line per call,
 * `event=store_call backend=... op=... duration_ms=... status=...`, then
 * answers what the wrapped one answered (git's refs/debug.c is the model).
 * store_open wraps every connection in it when the log level is debug,
 * or when a call observer (the metrics) is set: it is told of each call.
 * Nothing of a call's arguments is logged: they hold tokens' hashes,
 * names and contact data. A scan's duration includes its callbacks. */
#include "store/store_backend.h"
#include "common/log.h"
#include "common/timeutil.h"

#include <stdatomic.h>
#include <stdlib.h>

struct trace_store {
	struct store base;
	struct store *inner;
};

static struct store *inner(struct store *s)
{
	return ((struct trace_store *)s)->inner;
}

static _Atomic(store_call_observer) observer;

void store_set_call_observer(store_call_observer fn)
{
	atomic_store(&observer, fn);
}

bool store_trace_wanted(void)
{
	return log_enabled(LOG_DEBUG) || atomic_load(&observer);
}

static int traced(struct store *s, const char *op, double started, int rc)
{
	double ms = time_monotonic_ms() - started;
	s->failure = inner(s)->failure;
	store_call_observer fn = atomic_load(&observer);
	if (fn)
		fn(op, ms, rc);
	log_debug("event=store_call backend=%s op=%s duration_ms=%.3f status=%s",
		  inner(s)->ops->name, op, ms, store_status_key(rc));
	return rc;
}

/* One traced operation: `params` as in struct store_ops, `args` the
 * wrapped call's arguments (the connection is `in`). */
#define TRACE(op, params, args)                                                                    \
	static int trace_##op params                                                               \
	{                                                                                          \
		struct store *in = inner(s);                                                       \
		double started = time_monotonic_ms();                                              \
		return traced(s, #op, started, in->ops->op args);                                  \
	}

TRACE(org_add, (struct store * s, const struct org *org), (in, org))
TRACE(org_get_by_name, (struct store * s, const char *name, struct org *out), (in, name, out))
TRACE(org_get, (struct store * s, const char *id, struct org *out), (in, id, out))
TRACE(org_count, (struct store * s, int64_t *out), (in, out))
TRACE(org_scan, (struct store * s, store_org_cb cb, void *ctx), (in, cb, ctx))
TRACE(client_add, (struct store * s, const struct oauth_client *c), (in, c))
TRACE(client_get, (struct store * s, const char *id, struct oauth_client *out), (in, id, out))
TRACE(client_list, (struct store * s, store_client_cb cb, void *ctx), (in, cb, ctx))
TRACE(client_revoke, (struct store * s, const char *id), (in, id))
TRACE(token_add, (struct store * s, const char *hash, const struct token_info *t), (in, hash, t))
TRACE(token_get, (struct store * s, const char *hash, struct token_info *out), (in, hash, out))
TRACE(tokens_expire, (struct store * s, int64_t now_ms, int64_t *deleted), (in, now_ms, deleted))
TRACE(client_tokens_expire,
      (struct store * s, const char *client_id, int64_t now_ms, int64_t *expired),
      (in, client_id, now_ms, expired))
TRACE(list_create,
      (struct store * s, const struct contact_list *cl, const char *name_key, unsigned max),
      (in, cl, name_key, max))
TRACE(list_get, (struct store * s, const char *org_id, const char *id, struct contact_list *out),
      (in, org_id, id, out))
TRACE(list_update,
      (struct store * s, const struct contact_list *cl, const char *name_key, int64_t version),
      (in, cl, name_key, version))
TRACE(list_delete_many,
      (struct store * s, const char *org_id, const char *const *ids, size_t n, const char **missing,
       store_key_cb files, void *ctx),
      (in, org_id, ids, n, missing, files, ctx))
TRACE(list_scan, (struct store * s, const char *org_id, store_list_cb cb, void *ctx),
      (in, org_id, cb, ctx))
TRACE(list_size, (struct store * s, const char *org_id, const char *list_id, int64_t *out),
      (in, org_id, list_id, out))
TRACE(template_create,
      (struct store * s, const struct contact_list *ts, const char *const *keys, size_t n,
       unsigned max, size_t *bad),
      (in, ts, keys, n, max, bad))
TRACE(template_get,
      (struct store * s, const char *org_id, const char *id, struct contact_list *out),
      (in, org_id, id, out))
TRACE(template_update,
      (struct store * s, const struct contact_list *t, const char *name_key, int64_t version),
      (in, t, name_key, version))
TRACE(template_delete_many,
      (struct store * s, const char *org_id, const char *const *ids, size_t n,
       const char **missing),
      (in, org_id, ids, n, missing))
TRACE(template_scan, (struct store * s, const char *org_id, store_list_cb cb, void *ctx),
      (in, org_id, cb, ctx))
TRACE(filter_create,
      (struct store * s, const struct contact_filter *f, const char *name_key, unsigned max),
      (in, f, name_key, max))
TRACE(filter_get,
      (struct store * s, const char *org_id, const char *id, struct contact_filter *out),
      (in, org_id, id, out))
TRACE(filter_update,
      (struct store * s, const struct contact_filter *f, const char *name_key, int64_t version),
      (in, f, name_key, version))
TRACE(filter_delete_many,
      (struct store * s, const char *org_id, const char *const *ids, size_t n,
       const char **missing),
      (in, org_id, ids, n, missing))
TRACE(filter_scan, (struct store * s, const char *org_id, store_filter_cb cb, void *ctx),
      (in, org_id, cb, ctx))
TRACE(contacts_upsert,
      (struct store * s, const char *org_id, const char *list_id, const struct contact_row *rows,
       size_t n, const struct contact_limits *lim, size_t *added),
      (in, org_id, list_id, rows, n, lim, added))
TRACE(contact_get,
      (struct store * s, const char *org_id, const char *list_id, const char *id,
       struct contact_record *out),
      (in, org_id, list_id, id, out))
TRACE(contacts_delete,
      (struct store * s, const char *org_id, const char *list_id, const char *const *ids, size_t n,
       size_t *deleted),
      (in, org_id, list_id, ids, n, deleted))
TRACE(contacts_clear, (struct store * s, const char *org_id, const char *list_id),
      (in, org_id, list_id))
TRACE(contacts_get,
      (struct store * s, const char *org_id, const char *list_id, const char *const *ids, size_t n,
       store_contact_cb cb, void *ctx),
      (in, org_id, list_id, ids, n, cb, ctx))
TRACE(contacts_scan,
      (struct store * s, const char *org_id, const char *list_id, store_contact_cb cb, void *ctx),
      (in, org_id, list_id, cb, ctx))
TRACE(import_add, (struct store * s, const struct import_job *job), (in, job))
TRACE(import_update, (struct store * s, const struct import_job *job), (in, job))
TRACE(import_get, (struct store * s, const char *org_id, const char *id, struct import_job *out),
      (in, org_id, id, out))
TRACE(import_latest,
      (struct store * s, const char *org_id, const char *list_id, struct import_job *out),
      (in, org_id, list_id, out))
TRACE(export_add, (struct store * s, const struct export_job *job, unsigned max_active),
      (in, job, max_active))
TRACE(export_update, (struct store * s, const struct export_job *job), (in, job))
TRACE(export_get, (struct store * s, const char *org_id, const char *id, struct export_job *out),
      (in, org_id, id, out))
TRACE(export_latest,
      (struct store * s, const char *org_id, const char *list_id, struct export_job *out),
      (in, org_id, list_id, out))
TRACE(jobs_prune,
      (struct store * s, const char *org_id, const char *list_id, store_key_cb files, void *ctx),
      (in, org_id, list_id, files, ctx))
TRACE(job_claim, (struct store * s, const struct job_lease *lease, struct job_claimed *out),
      (in, lease, out))
TRACE(jobs_renew, (struct store * s, const struct job_lease *lease, int64_t *renewed),
      (in, lease, renewed))
TRACE(jobs_expire, (struct store * s, const struct job_interruption *why, int64_t *count),
      (in, why, count))
TRACE(blob_create, (struct store * s, const char *key, struct store_blob **out), (in, key, out))
TRACE(blob_open, (struct store * s, const char *key, struct store_blob_read *out), (in, key, out))
TRACE(blob_delete, (struct store * s, const char *key), (in, key))
TRACE(blob_sweep,
      (struct store * s, store_blob_keep_cb keep, void *ctx, unsigned *seen, unsigned *deleted),
      (in, keep, ctx, seen, deleted))
TRACE(rate_counts_add,
      (struct store * s, int64_t window, const struct rate_count *c, size_t n, int64_t expire,
       int64_t *totals),
      (in, window, c, n, expire, totals))
TRACE(snapshot_save, (struct store * s, const char *name), (in, name))
TRACE(snapshot_restore, (struct store * s, const char *name), (in, name))
TRACE(backup_to, (struct store * s, const char *path, char *err, size_t size),
      (in, path, err, size))
TRACE(restore_from, (struct store * s, const char *path, char *err, size_t size),
      (in, path, err, size))

static void trace_close(struct store *s)
{
	store_close(inner(s));
	free(s);
}

static const struct store_ops trace_ops = {.name = "trace",
#define X(op) .op = trace_##op,
					   STORE_OPS(X)
#undef X
};

struct store *store_trace_wrap(struct store *wrapped)
{
	struct trace_store *t = calloc(1, sizeof(*t));
	if (!t) {
		store_close(wrapped);
		return NULL;
	}
	t->base.ops = &trace_ops;
	t->inner = wrapped;
	return &t->base;
}
