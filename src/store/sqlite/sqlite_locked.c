/* In-process writers take turns. SQLite lets one connection write at a
 * time and has no fairness: an import committing batch after batch would
 * win the write lock again and again while an API request's connection
 * waits out its busy timeout. So every write operation first takes a
 * ticket and waits its turn (first come, first served); SQLite's own
 * locking still guards against other processes. */
#include "store/sqlite/sqlite_internal.h"

#include <pthread.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn = PTHREAD_COND_INITIALIZER;
static unsigned long next_ticket, now_serving;

static void write_begin(void)
{
	pthread_mutex_lock(&lock);
	unsigned long ticket = next_ticket++;
	while (ticket != now_serving)
		pthread_cond_wait(&turn, &lock);
	pthread_mutex_unlock(&lock);
}

static void write_end(void)
{
	pthread_mutex_lock(&lock);
	now_serving++;
	pthread_cond_broadcast(&turn);
	pthread_mutex_unlock(&lock);
}

#define WRITE_OP(name, params, args)                                                               \
	int sqlite_locked_##name params                                                            \
	{                                                                                          \
		write_begin();                                                                     \
		int rc = sqlite_##name args;                                                       \
		write_end();                                                                       \
		return rc;                                                                         \
	}

WRITE_OP(org_add, (struct store * s, const char *name, struct org *out), (s, name, out))
WRITE_OP(client_add, (struct store * s, const struct oauth_client *c), (s, c))
WRITE_OP(client_revoke, (struct store * s, const char *id), (s, id))
WRITE_OP(token_add, (struct store * s, const char *hash, const struct token_info *t), (s, hash, t))
WRITE_OP(list_create, (struct store * s, const struct contact_list *cl, unsigned max), (s, cl, max))
WRITE_OP(list_update, (struct store * s, const struct contact_list *cl, int64_t version),
	 (s, cl, version))
WRITE_OP(list_delete,
	 (struct store * s, const char *org_id, const char *id, store_path_cb files, void *ctx),
	 (s, org_id, id, files, ctx))
WRITE_OP(list_delete_many,
	 (struct store * s, const char *org_id, const char *const *ids, size_t n,
	  const char **missing, store_path_cb files, void *ctx),
	 (s, org_id, ids, n, missing, files, ctx))
WRITE_OP(contacts_upsert,
	 (struct store * s, const char *org_id, const char *list_id, const struct contact_row *rows,
	  size_t n, const struct contact_limits *lim, size_t *added),
	 (s, org_id, list_id, rows, n, lim, added))
WRITE_OP(contact_delete, (struct store * s, const char *list_id, const char *id), (s, list_id, id))
WRITE_OP(contacts_delete,
	 (struct store * s, const char *list_id, const char *const *ids, size_t n, size_t *deleted),
	 (s, list_id, ids, n, deleted))
WRITE_OP(contacts_clear, (struct store * s, const char *list_id), (s, list_id))
WRITE_OP(import_add, (struct store * s, const struct import_job *job), (s, job))
WRITE_OP(import_update, (struct store * s, const struct import_job *job), (s, job))
WRITE_OP(jobs_interrupt, (struct store * s, int64_t *count), (s, count))
WRITE_OP(export_add, (struct store * s, const struct export_job *job, unsigned max_active),
	 (s, job, max_active))
WRITE_OP(export_update, (struct store * s, const struct export_job *job), (s, job))
WRITE_OP(jobs_prune, (struct store * s, const char *list_id, store_path_cb files, void *ctx),
	 (s, list_id, files, ctx))
