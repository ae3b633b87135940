/* libsodium underneath: randombytes, generichash and sodium_memcmp. */
#include "auth/credentials.h"

#include <sodium.h>
#include <string.h>

int credentials_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void credentials_new_secret(char out[SECRET_STR_LEN])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, SECRET_STR_LEN, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void credentials_hash(const char *secret, size_t len, char out[HASH_HEX_LEN])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), (const unsigned char *)secret, len, NULL, 0);
	sodium_bin2hex(out, HASH_HEX_LEN, h, sizeof(h));
}

bool credentials_hash_equal(const char *a, const char *b)
{
	return strlen(a) == HASH_HEX_LEN - 1 && strlen(b) == HASH_HEX_LEN - 1 &&
	       sodium_memcmp(a, b, HASH_HEX_LEN - 1) == 0;
}
