/* One line per event, key=value (or JSON), to stderr. Never log a secret or token.
 * Every %s argument is a value and is escaped (see log.c): write
 * key=%s or key="...%s...", never a %s that stands for keys. */
#ifndef DIALBOOK_LOG_H
#define DIALBOOK_LOG_H

#include <stdbool.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level level);
/* Whether a line of this level would be written: to skip work (a trace)
 * that only a more verbose level shows. */
bool log_enabled(enum log_level level);
/* Returns 0 and sets *out for "debug", "info", "warn", "error"; -1 otherwise. */
int log_level_parse(const char *s, enum log_level *out);
/* text (default): key=value lines; json: one JSON object a line, the same
 * keys in the same order (ts and level first), bare numbers, true and
 * false as such, everything else a string. */
enum log_format { LOG_FORMAT_TEXT, LOG_FORMAT_JSON };

void log_set_format(enum log_format format);
/* Returns 0 and sets *out for "text", "json"; -1 otherwise. */
int log_format_parse(const char *s, enum log_format *out);
/* Rewrites one key=value line as log_event writes it (len bytes, no
 * newline) as one JSON object into out (at most size bytes, with its
 * NUL; size >= 32); returns its length. A word that is no key=value
 * becomes "msg"; a line that does not fit ends with "truncated": true
 * and no half field. */
size_t log_line_to_json(const char *line, size_t len, char *out, size_t size);
void log_event(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_event(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  log_event(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_event(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_event(LOG_ERROR, __VA_ARGS__)

#endif
