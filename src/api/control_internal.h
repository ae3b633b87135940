/* What the control API's files share: the state, one lock per part. */
#ifndef DIALBOOK_API_CONTROL_INTERNAL_H
#define DIALBOOK_API_CONTROL_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "api/control.h"
#include "common/text.h"
#include "model/control_fields.h"

struct fault_rule;
struct progression;
struct credit;
struct export_hold;
struct journal_entry;

struct control {
	char token[CONTROL_TOKEN_LEN + 1];
	struct api_server *srv;
	struct job_pacer pacer;

	pthread_mutex_t faults_lock;
	struct fault_rule *rules[CONTROL_MAX_RULES]; /* in the order added */
	size_t rule_count;
	atomic_size_t rule_total; /* rule_count, read without the lock */

	pthread_mutex_t progress_lock;
	struct progression *settings;
	struct credit *credits;
	struct export_hold *holds;

	pthread_mutex_t journal_lock;
	struct journal_entry *journal; /* a ring of journal_size */
	unsigned journal_size, journal_count, journal_next;
	uint64_t journal_seq;
};

/* Each part's set-up and teardown, and its "clear everything". */
void control_faults_clear(struct control *ctl);
void control_progress_clear(struct control *ctl);
void control_journal_clear(struct control *ctl);
void control_journal_free(struct control *ctl);
void control_progress_init(struct control *ctl);

/* The body of a control request as a JSON object: the parsed body, or a
 * new empty object when there was none and `optional`. -1: a problem. */
int control_body(struct api_ctx *c, bool optional, json_t **out);
/* 400 invalid.value naming `field`, with what was wrong and where. */
int control_bad(struct api_ctx *c, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The list's owner, when any organization has a list `id`: 0 and *org;
 * -1 with a 404 (or a 503) recorded. */
int control_find_list(struct api_ctx *c, const char *id, struct org *org);

/* Handlers (routes in control.c). */
int control_faults_add(struct api_ctx *c);
int control_faults_list(struct api_ctx *c);
int control_faults_delete(struct api_ctx *c);
int control_faults_delete_all(struct api_ctx *c);
int control_progress_put_org(struct api_ctx *c);
int control_progress_put_list(struct api_ctx *c);
int control_progress_list(struct api_ctx *c);
int control_progress_delete_org(struct api_ctx *c);
int control_progress_delete_list(struct api_ctx *c);
int control_progress_delete_all(struct api_ctx *c);
int control_progress_advance(struct api_ctx *c);
int control_reset(struct api_ctx *c);
int control_snapshot_save(struct api_ctx *c);
int control_snapshot_restore(struct api_ctx *c);
int control_expire_tokens(struct api_ctx *c);
int control_journal_get(struct api_ctx *c);
int control_journal_delete(struct api_ctx *c);

#endif
