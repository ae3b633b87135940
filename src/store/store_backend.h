/* What a store backend implements: a table of functions, called only by
 * the facade (store.c). Included by the facade and the backends, never by
 * callers of the store, who see store.h only (git's refs/refs-internal.h
 * is the model).
 *
 * Each operation has the contract of the store_* function of the same
 * name in store.h, with these differences: the facade has checked its
 * arguments (ids and org ids are not NULL); `org_id` NULL in import_get
 * and export_get means any organization (store_*_get_any_org); list
 * writes get the name's uniqueness key (model/contactlist.h) computed by
 * the facade. A backend stores what it is given and decides no domain
 * rule: no clock, no ids, no texts for people. */
#ifndef DIALBOOK_STORE_BACKEND_H
#define DIALBOOK_STORE_BACKEND_H

#include "store/store.h"

struct store_ops {
	const char *name;
	void (*close)(struct store *s);

	int (*org_add)(struct store *s, const struct org *org);
	int (*org_get_by_name)(struct store *s, const char *name, struct org *out);
	int (*org_get)(struct store *s, const char *id, struct org *out);
	int (*org_count)(struct store *s, int64_t *out);
	int (*org_scan)(struct store *s, store_org_cb cb, void *ctx);

	int (*client_add)(struct store *s, const struct oauth_client *c);
	int (*client_get)(struct store *s, const char *id, struct oauth_client *out);
	int (*client_list)(struct store *s, store_client_cb cb, void *ctx);
	int (*client_revoke)(struct store *s, const char *id);

	int (*token_add)(struct store *s, const char *hash, const struct token_info *t);
	int (*token_get)(struct store *s, const char *hash, struct token_info *out);
	int (*tokens_expire)(struct store *s, int64_t now_ms, int64_t *deleted);
	int (*client_tokens_expire)(struct store *s, const char *client_id, int64_t now_ms,
				    int64_t *expired);

	int (*list_create)(struct store *s, const struct contact_list *cl, const char *name_key,
			   unsigned max_per_org);
	int (*list_get)(struct store *s, const char *org_id, const char *id,
			struct contact_list *out);
	int (*list_update)(struct store *s, const struct contact_list *cl, const char *name_key,
			   int64_t expected_version);
	int (*list_delete_many)(struct store *s, const char *org_id, const char *const *ids,
				size_t n, const char **missing, store_key_cb files, void *ctx);
	int (*list_scan)(struct store *s, const char *org_id, store_list_cb cb, void *ctx);
	int (*list_size)(struct store *s, const char *org_id, const char *list_id, int64_t *out);

	int (*template_create)(struct store *s, const struct contact_list *ts,
			       const char *const *name_keys, size_t n, unsigned max_per_org,
			       size_t *bad);
	int (*template_get)(struct store *s, const char *org_id, const char *id,
			    struct contact_list *out);
	int (*template_update)(struct store *s, const struct contact_list *t, const char *name_key,
			       int64_t expected_version);
	int (*template_delete_many)(struct store *s, const char *org_id, const char *const *ids,
				    size_t n, const char **missing);
	int (*template_scan)(struct store *s, const char *org_id, store_list_cb cb, void *ctx);

	int (*filter_create)(struct store *s, const struct contact_filter *f, const char *name_key,
			     unsigned max_per_org);
	int (*filter_get)(struct store *s, const char *org_id, const char *id,
			  struct contact_filter *out);
	int (*filter_update)(struct store *s, const struct contact_filter *f, const char *name_key,
			     int64_t expected_version);
	int (*filter_delete_many)(struct store *s, const char *org_id, const char *const *ids,
				  size_t n, const char **missing);
	int (*filter_scan)(struct store *s, const char *org_id, store_filter_cb cb, void *ctx);

	int (*contacts_upsert)(struct store *s, const char *org_id, const char *list_id,
			       const struct contact_row *rows, size_t n,
			       const struct contact_limits *lim, size_t *added);
	int (*contact_get)(struct store *s, const char *org_id, const char *list_id, const char *id,
			   struct contact_record *out);
	int (*contacts_delete)(struct store *s, const char *org_id, const char *list_id,
			       const char *const *ids, size_t n, size_t *deleted);
	int (*contacts_clear)(struct store *s, const char *org_id, const char *list_id);
	int (*contacts_get)(struct store *s, const char *org_id, const char *list_id,
			    const char *const *ids, size_t n, store_contact_cb cb, void *ctx);
	int (*contacts_scan)(struct store *s, const char *org_id, const char *list_id,
			     store_contact_cb cb, void *ctx);

	int (*import_add)(struct store *s, const struct import_job *job);
	int (*import_update)(struct store *s, const struct import_job *job);
	int (*import_get)(struct store *s, const char *org_id, const char *id,
			  struct import_job *out);
	int (*import_latest)(struct store *s, const char *org_id, const char *list_id,
			     struct import_job *out);
	int (*export_add)(struct store *s, const struct export_job *job, unsigned max_active);
	int (*export_update)(struct store *s, const struct export_job *job);
	int (*export_get)(struct store *s, const char *org_id, const char *id,
			  struct export_job *out);
	int (*export_latest)(struct store *s, const char *org_id, const char *list_id,
			     struct export_job *out);
	int (*jobs_prune)(struct store *s, const char *org_id, const char *list_id,
			  store_key_cb files, void *ctx);
	int (*job_claim)(struct store *s, const struct job_lease *lease, struct job_claimed *out);
	int (*jobs_renew)(struct store *s, const struct job_lease *lease, int64_t *renewed);
	int (*jobs_expire)(struct store *s, const struct job_interruption *why, int64_t *count);

	int (*blob_create)(struct store *s, const char *key, struct store_blob **out);
	int (*blob_open)(struct store *s, const char *key, struct store_blob_read *out);
	int (*blob_delete)(struct store *s, const char *key);
	int (*blob_sweep)(struct store *s, store_blob_keep_cb keep, void *ctx, unsigned *seen,
			  unsigned *deleted);

	int (*rate_counts_add)(struct store *s, int64_t window_start, const struct rate_count *in,
			       size_t n, int64_t expire_before, int64_t *totals);
	int (*snapshot_save)(struct store *s, const char *name);
	int (*snapshot_restore)(struct store *s, const char *name);
	int (*backup_to)(struct store *s, const char *path, char *err, size_t err_size);
	int (*restore_from)(struct store *s, const char *path, char *err, size_t err_size);
};

/* Every member of struct store_ops after `name`, by name: the facade
 * refuses a backend that leaves one NULL (store_ops_missing), and the
 * assertion below keeps this list and the struct in step. */
#define STORE_OPS(X)                                                                               \
	X(close)                                                                                   \
	X(org_add)                                                                                 \
	X(org_get_by_name)                                                                         \
	X(org_get)                                                                                 \
	X(org_count)                                                                               \
	X(org_scan)                                                                                \
	X(client_add)                                                                              \
	X(client_get)                                                                              \
	X(client_list)                                                                             \
	X(client_revoke)                                                                           \
	X(token_add)                                                                               \
	X(token_get)                                                                               \
	X(tokens_expire)                                                                           \
	X(client_tokens_expire)                                                                    \
	X(list_create)                                                                             \
	X(list_get)                                                                                \
	X(list_update)                                                                             \
	X(list_delete_many)                                                                        \
	X(list_scan)                                                                               \
	X(list_size)                                                                               \
	X(template_create)                                                                         \
	X(template_get)                                                                            \
	X(template_update)                                                                         \
	X(template_delete_many)                                                                    \
	X(template_scan)                                                                           \
	X(filter_create)                                                                           \
	X(filter_get)                                                                              \
	X(filter_update)                                                                           \
	X(filter_delete_many)                                                                      \
	X(filter_scan)                                                                             \
	X(contacts_upsert)                                                                         \
	X(contact_get)                                                                             \
	X(contacts_delete)                                                                         \
	X(contacts_clear)                                                                          \
	X(contacts_get)                                                                            \
	X(contacts_scan)                                                                           \
	X(import_add)                                                                              \
	X(import_update)                                                                           \
	X(import_get)                                                                              \
	X(import_latest)                                                                           \
	X(export_add)                                                                              \
	X(export_update)                                                                           \
	X(export_get)                                                                              \
	X(export_latest)                                                                           \
	X(jobs_prune)                                                                              \
	X(job_claim)                                                                               \
	X(jobs_renew)                                                                              \
	X(jobs_expire)                                                                             \
	X(blob_create)                                                                             \
	X(blob_open)                                                                               \
	X(blob_delete)                                                                             \
	X(blob_sweep)                                                                              \
	X(rate_counts_add)                                                                         \
	X(snapshot_save)                                                                           \
	X(snapshot_restore)                                                                        \
	X(backup_to)                                                                               \
	X(restore_from)

#define STORE_OP_ONE(op) +1
_Static_assert(sizeof(struct store_ops) ==
		       sizeof(const char *) + (0 STORE_OPS(STORE_OP_ONE)) * sizeof(void (*)(void)),
	       "STORE_OPS must list every operation of struct store_ops");
#undef STORE_OP_ONE

/* A connection: backends embed this first in their own struct. */
struct store {
	const struct store_ops *ops;
	struct store_failure failure; /* set by store_fail, cleared by the facade */
};

/* A blob being written: backends embed this first in their own struct,
 * as struct store. The facade has checked the key; seen and deleted of
 * blob_sweep are never NULL. */
struct store_blob_ops {
	int (*write)(struct store_blob *b, const void *data, size_t len);
	int (*finish)(struct store_blob *b);
	void (*close)(struct store_blob *b);
};

struct store_blob {
	const struct store_blob_ops *ops;
	bool finished;
	struct store_failure failure; /* set by store_fail_record */
};

/* How a backend fails a call: logs `event=store_error backend=... op=...
 * fault=... error="<detail>"`, records fault and detail in *rec (a
 * connection's or a blob's `failure`) and answers STORE_FAILED. */
int store_fail_record(struct store_failure *rec, const char *backend, const char *op,
		      enum store_fault fault, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* The first operation `ops` leaves NULL, by name; NULL when none. */
const char *store_ops_missing(const struct store_ops *ops);

/* The tracing backend (store_trace.c): wraps `inner`, which it then owns,
 * and logs one debug line per call with its duration and status. Any
 * backend can be wrapped. NULL when out of memory (inner is then closed). */
struct store *store_trace_wrap(struct store *inner);
/* Whether store_open wraps connections in it: the log is debug, or a
 * call observer is set (store_set_call_observer). */
bool store_trace_wanted(void);

#endif
