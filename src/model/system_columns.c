/* The export's system column names (system_columns.h), matched. */
#include "model/system_columns.h"

#include <string.h>
#include <strings.h>

#define AS_ENTRY(s) {s, sizeof(s) - 1},

static const struct {
	const char *text;
	size_t len;
} names[] = {SYSTEM_COLUMN_NAMES(AS_ENTRY)}, prefixes[] = {SYSTEM_COLUMN_PREFIXES(AS_ENTRY)};

bool system_column_name(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (len == names[i].len && strncasecmp(name, names[i].text, len) == 0)
			return true;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (len >= prefixes[i].len &&
		    strncasecmp(name, prefixes[i].text, prefixes[i].len) == 0)
			return true;
	return false;
}
