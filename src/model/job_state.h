/* Import and export job states: one table, from which the stored text,
 * the names in logs and which states count as active all come. A state is
 * added here in one line. Pure. */
#ifndef DIALBOOK_JOB_STATE_H
#define DIALBOOK_JOB_STATE_H

#include <stdbool.h>

/* X(enumerator, stored text, active: the job may still change) */
#define JOB_STATE_TABLE(X)                                                                         \
	X(JOB_PENDING, "PENDING", true) /* accepted, waiting for a worker */                       \
	X(JOB_RUNNING, "RUNNING", true) /* a worker has it */                                      \
	X(JOB_DONE, "DONE", false)	/* finished; its file, if any, is ready */                 \
	X(JOB_FAILED, "FAILED", false)	/* finished with a reason */

enum job_state {
#define X(id, text, active) id,
	JOB_STATE_TABLE(X)
#undef X
};

/* "PENDING", "RUNNING", "DONE", "FAILED": the stored form. */
const char *job_state_name(enum job_state st);
/* 0 and *out for a name of the table; -1 for anything else. */
int job_state_parse(const char *text, enum job_state *out);
/* Pending or running: the job still needs its input, and "one import per
 * list" and the export cap count it. */
bool job_state_active(enum job_state st);

#endif
