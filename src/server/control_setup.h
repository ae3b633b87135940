/* Start-up of the control API (dialbookd --control-api): where it may
 * listen and where its token is written (docs/control-api.md). */
#ifndef DIALBOOK_SERVER_CONTROL_SETUP_H
#define DIALBOOK_SERVER_CONTROL_SETUP_H

#include <stdbool.h>

/* Whether every address `host` (as given to --listen) stands for is a
 * loopback one (127.0.0.0/8, ::1, ::ffff:127.x): the control API is only
 * served there unless --control-api-remote says otherwise. */
bool control_host_is_loopback(const char *host);

/* Writes the line DIALBOOK_CONTROL_TOKEN=<token> into `path`, replacing
 * that line and keeping the others, or creating the file; mode 0600, by
 * a rename so no reader sees half a file. 0, or -1 with errno. */
int control_token_write(const char *path, const char *token);

#endif
