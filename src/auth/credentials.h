/* Client secrets and access tokens: 256-bit random values, stored only as
 * hashes. */
#ifndef DIALBOOK_CREDENTIALS_H
#define DIALBOOK_CREDENTIALS_H

#include <stdbool.h>
#include <stddef.h>

#define SECRET_STR_LEN 44 /* 43 base64url characters and the terminator */
#define HASH_HEX_LEN   65

/* Must succeed before any other call; returns -1 when libsodium cannot start. */
int credentials_init(void);
/* A new random secret or token: 32 bytes, base64url without padding. */
void credentials_new_secret(char out[SECRET_STR_LEN]);
/* Hex of BLAKE2b-256 over the secret. A fast hash is right here: the
 * values are 256-bit random, so there is nothing to brute-force, and a slow
 * password hash would only turn every token check into a DoS lever. */
void credentials_hash(const char *secret, size_t len, char out[HASH_HEX_LEN]);
/* Constant-time comparison of two hex hashes. */
bool credentials_hash_equal(const char *a, const char *b);

#endif
