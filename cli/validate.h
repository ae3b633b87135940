/* The checks of `dialbook validate`, shared with `dialbook contacts
 * import`, which validates before it uploads. */
#ifndef DIALBOOK_CLI_VALIDATE_H
#define DIALBOOK_CLI_VALIDATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "csv/contact_csv.h"
#include "csv/csv_writer.h"

struct report {
	FILE *out;	      /* where problems and the summary go */
	const char *file;     /* the name problems are reported against */
	const char *encoding; /* --encoding: the file is converted from it; NULL: UTF-8 */
	unsigned long max_errors, printed, problems, warnings;
	unsigned long long rows, invalid, blank;
	bool bom; /* the file starts with a UTF-8 byte order mark (allowed) */
	bool json;
	json_t *errors; /* --json: the printed problems */
	FILE *rejects;	/* --rejects, or NULL */
	struct csv_writer rw;
	bool rejects_started;
};

/* A list's definition (ContactList JSON, either column form) through the
 * server's own rules; prints why and returns an exit code when it fails. */
int cli_load_schema(const char *json_text, const char *origin, struct contact_schema *schema);
/* Checks the file; returns EXIT_DONE when the header is importable (look at
 * r->invalid for the rows), EXIT_USAGE when the file cannot be opened
 * (said on stderr), EXIT_INVALID otherwise. */
int cli_validate_run(struct report *r, const char *path, const struct contact_schema *schema,
		     const char *id_name);
void cli_validate_summary(struct report *r, bool header_ok);

#endif
