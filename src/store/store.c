/* Picks the backend for a location and names the status codes. */
#include "store/store.h"
#include "store/sqlite/sqlite_store.h"

#include <stdlib.h>
#include <string.h>

const char *store_status_name(int status)
{
	switch (status) {
	case STORE_OK:
		return "ok";
	case STORE_NOT_FOUND:
		return "not found";
	case STORE_CONFLICT:
		return "conflict";
	case STORE_STALE:
		return "stale version";
	case STORE_LIMIT:
		return "limit reached";
	default:
		return "store failure";
	}
}

int store_open(const char *location, struct store **out, char *err, size_t err_size)
{
	return sqlite_store_open(location, out, err, err_size);
}

void store_close(struct store *s)
{
	if (s)
		s->ops->close(s);
}

void contact_record_release(struct contact_record *r)
{
	if (!r)
		return;
	free(r->id);
	free(r->packed);
	free(r->meta);
	memset(r, 0, sizeof(*r));
}
