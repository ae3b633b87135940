/* Job states from their one table (job_state.h). */
#include "model/job_state.h"

#include <stddef.h>
#include <string.h>

static const struct {
	const char *name;
	bool active;
} states[] = {
#define X(id, text, act) [id] = {text, act},
	JOB_STATE_TABLE(X)
#undef X
};

#define STATE_COUNT (sizeof(states) / sizeof(states[0]))

const char *job_state_name(enum job_state st)
{
	return (size_t)st < STATE_COUNT ? states[st].name : "UNKNOWN";
}

int job_state_parse(const char *text, enum job_state *out)
{
	for (size_t i = 0; text && i < STATE_COUNT; i++) {
		if (strcmp(text, states[i].name) == 0) {
			*out = (enum job_state)i;
			return 0;
		}
	}
	return -1;
}

bool job_state_active(enum job_state st)
{
	return (size_t)st < STATE_COUNT && states[st].active;
}
