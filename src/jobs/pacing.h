/* How an import moves along when a test says so rather than the file: the
 * control API's progression (docs/control-api.md). A job_env without a
 * pacer runs every import at full speed, as always. */
#ifndef DIALBOOK_JOBS_PACING_H
#define DIALBOOK_JOBS_PACING_H

#include <stdbool.h>
#include <stdint.h>

enum import_pace_mode {
	IMPORT_PACE_IMMEDIATE, /* as fast as it goes */
	IMPORT_PACE_RATE,      /* rows_per_second data rows a second */
	IMPORT_PACE_MANUAL,    /* a row only when the pacer gives one (take_rows) */
};

struct import_pace {
	enum import_pace_mode mode;
	unsigned rows_per_second; /* IMPORT_PACE_RATE: 1 or more */
	int fail_at_percent;	  /* 0-99: the import fails there; -1: never */
	char failure_reason[64];  /* with fail_at_percent */
};

/* Called from job threads, so thread-safe; ids are NUL-terminated. */
struct job_pacer {
	void *ctx;
	/* The plan for an import of list_id (org_id's), read once as it
	 * starts; false: none (immediate, nothing counted). */
	bool (*import_plan)(void *ctx, const char *org_id, const char *list_id,
			    struct import_pace *out);
	/* IMPORT_PACE_MANUAL: takes up to `want` rows of the list's credit
	 * and returns how many it took (0: none yet; the import waits). Once
	 * the list is no longer manual (its setting was deleted), `want`. */
	int64_t (*take_rows)(void *ctx, const char *org_id, const char *list_id, int64_t want);
	/* An import of list_id ended (paced or not): its unused credit is
	 * dropped. */
	void (*import_ended)(void *ctx, const char *list_id);
};

#endif
