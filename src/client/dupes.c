/* A 4 MiB filter with three probes: below a percent of false candidates
 * up to about 3 million ids; beyond that the candidate set grows, still
 * bounded by the ids that really are, or look like, duplicates. */
#include "client/dupes.h"

#include <stdlib.h>
#include <string.h>

#define FILTER_BITS (1ull << 25)

struct entry {
	uint64_t hash;
	char *id;	    /* set in the second pass */
	unsigned long line; /* first line with this id, in the second pass */
};

struct dupes {
	uint64_t *bits;
	struct entry *table; /* open addressing on hash; 0 = empty */
	size_t count, cap;
};

static uint64_t hash64(const char *s, size_t len)
{
	uint64_t h = 0x9E3779B97F4A7C15ull ^ len;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0xBF58476D1CE4E5B9ull;
		h ^= h >> 31;
	}
	h ^= h >> 29;
	h *= 0x94D049BB133111EBull;
	h ^= h >> 32;
	return h ? h : 1;
}

struct dupes *dupes_new(void)
{
	struct dupes *d = calloc(1, sizeof(*d));
	if (!d || !(d->bits = calloc(FILTER_BITS / 64, sizeof(uint64_t))))
		abort();
	return d;
}

void dupes_free(struct dupes *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->cap; i++)
		free(d->table[i].id);
	free(d->table);
	free(d->bits);
	free(d);
}

static struct entry *slot(struct dupes *d, uint64_t h)
{
	size_t i = (size_t)h & (d->cap - 1);
	while (d->table[i].hash && d->table[i].hash != h)
		i = (i + 1) & (d->cap - 1);
	return &d->table[i];
}

static void add_candidate(struct dupes *d, uint64_t h)
{
	if ((d->count + 1) * 2 > d->cap) {
		struct entry *old = d->table;
		size_t old_cap = d->cap;
		d->cap = d->cap ? d->cap * 2 : 1024;
		d->table = calloc(d->cap, sizeof(*d->table));
		if (!d->table)
			abort();
		for (size_t i = 0; i < old_cap; i++)
			if (old[i].hash)
				*slot(d, old[i].hash) = old[i];
		free(old);
	}
	struct entry *e = slot(d, h);
	if (!e->hash) {
		e->hash = h;
		d->count++;
	}
}

bool dupes_note(struct dupes *d, const char *id, size_t len)
{
	uint64_t h = hash64(id, len);
	bool all = true;
	for (int k = 0; k < 3; k++) {
		uint64_t bit = (h >> (k * 21)) & (FILTER_BITS - 1);
		uint64_t mask = 1ull << (bit & 63);
		all &= (d->bits[bit >> 6] & mask) != 0;
		d->bits[bit >> 6] |= mask;
	}
	if (all)
		add_candidate(d, h);
	return all;
}

size_t dupes_candidates(const struct dupes *d)
{
	return d->count;
}

unsigned long dupes_confirm(struct dupes *d, const char *id, size_t len, unsigned long line)
{
	if (!d->cap)
		return 0;
	uint64_t h = hash64(id, len);
	struct entry *e = slot(d, h);
	if (!e->hash)
		return 0;
	if (!e->id) {
		/* A hash seen first: remember the id and where. */
		e->id = malloc(len + 1);
		if (!e->id)
			abort();
		memcpy(e->id, id, len);
		e->id[len] = '\0';
		e->line = line;
		return 0;
	}
	if (strlen(e->id) == len && memcmp(e->id, id, len) == 0)
		return e->line;
	return 0; /* a different id with the same hash: not a duplicate */
}
