/* A refusal on its way to the client: the cloud's ErrorBody, minus the
 * per-request contextId. The caller owns it and may pass NULL anywhere a
 * problem is asked for, in which case nothing is recorded. */
#ifndef DIALBOOK_PROBLEM_H
#define DIALBOOK_PROBLEM_H

#include <jansson.h>

struct problem {
	int status;	   /* HTTP status, 0 while unset */
	char code[48];	   /* the cloud's code, e.g. "invalid.value" */
	char message[768]; /* what was wrong, where, and what to do */
	json_t *details;   /* array of {errorCode, fieldName}; NULL until the first */
	json_t *extra;	   /* more top-level members (e.g. "limit"); NULL if none */
};

void problem_init(struct problem *p);
void problem_release(struct problem *p);
/* Records status, code and message; returns -1 so callers can `return problem_set(...)`. */
int problem_set(struct problem *p, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void problem_add_detail(struct problem *p, const char *error_code, const char *field_name);
/* The common refusal: 400 invalid.value with one INVALID_VALUE detail
 * naming `field`. Returns -1. */
int problem_detail_set(struct problem *p, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Adds a top-level member to the body; takes the reference to value. */
void problem_put(struct problem *p, const char *key, json_t *value);
/* The ErrorBody JSON; context_id is the request's correlation id. */
json_t *problem_to_json(const struct problem *p, const char *context_id);

#endif
