/* String helpers; all pure, no allocation beyond what the names say. */
#include "common/text.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>
#include <uuid/uuid.h>

long utf8_count(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	long count = 0;
	while (i < len) {
		unsigned c = p[i];
		size_t need;
		uint32_t cp;
		if (c < 0x80) {
			i++;
			count++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF) {
			need = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			cp = c & 0x07;
		} else {
			return -1;
		}
		if (len - i <= need) /* truncated sequence */
			return -1;
		for (size_t k = 1; k <= need; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return -1;
			cp = (cp << 6) | (p[i + k] & 0x3F);
		}
		/* Overlong forms, surrogates and values past U+10FFFF are invalid. */
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) || cp > 0x10FFFF ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return -1;
		i += need + 1;
		count++;
	}
	return count;
}

bool text_has_control(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < len; i++) {
		if (p[i] < 0x20 || p[i] == 0x7F)
			return true;
		/* C1 controls are U+0080..U+009F, encoded as C2 80..C2 9F. */
		if (p[i] == 0xC2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F)
			return true;
	}
	return false;
}

char *text_ndup(const char *s, size_t n)
{
	char *out = malloc(n + 1);
	if (!out)
		abort();
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

char *text_trim_dup(const char *s)
{
	const char *end = s + strlen(s);
	while (*s && isspace((unsigned char)*s))
		s++;
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	return text_ndup(s, (size_t)(end - s));
}

char *text_fold_dup(const char *s)
{
	size_t n = strlen(s);
	char *out = text_ndup(s, n);
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
	return out;
}

/* Ids come from a per-thread ChaCha20 stream (libsodium's deterministic
 * generator) seeded once from the system: libuuid and randombytes_buf cost
 * a system call per id, and an import makes millions of ids. */
static void fast_random(unsigned char *out, size_t n)
{
	static _Thread_local unsigned char pool[4096 + 32], seed[32];
	static _Thread_local size_t left;
	static _Thread_local bool seeded;
	if (!seeded) {
		randombytes_buf(seed, sizeof(seed));
		seeded = true;
	}
	if (left < n) {
		randombytes_buf_deterministic(pool, sizeof(pool), seed);
		memcpy(seed, pool + 4096, sizeof(seed)); /* the stream's next key */
		left = 4096;
	}
	memcpy(out, pool + 4096 - left, n);
	left -= n;
}

static void random_uuid(uuid_t u)
{
	fast_random(u, sizeof(uuid_t));
	u[6] = (unsigned char)(0x40 | (u[6] & 0x0F)); /* version 4 */
	u[8] = (unsigned char)(0x80 | (u[8] & 0x3F)); /* RFC 4122 variant */
}

void text_uuid_new(char out[UUID_STR_LEN])
{
	uuid_t u = {0};
	random_uuid(u);
	uuid_unparse_lower(u, out);
}

void text_uuid7_new(char out[UUID_STR_LEN])
{
	uuid_t u = {0};
	random_uuid(u); /* random bits; the first 48 become the time */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	for (int i = 0; i < 6; i++)
		u[i] = (unsigned char)(ms >> (40 - 8 * i));
	u[6] = (unsigned char)(0x70 | (u[6] & 0x0F));
	u[8] = (unsigned char)(0x80 | (u[8] & 0x3F));
	uuid_unparse_lower(u, out);
}

void utf8_trim_partial(char *s)
{
	size_t len = strlen(s);
	for (int cut = 0; cut < 4 && len > 0; cut++) {
		if (utf8_count(s, len) >= 0)
			break;
		s[--len] = '\0';
	}
}
