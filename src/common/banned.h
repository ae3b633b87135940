/* Functions that are too easy to misuse; using one is a compile error.
 * Use snprintf, the buf_ helpers, strtol-based parsers and strtok_r instead. */
#ifndef DIALBOOK_BANNED_H
#define DIALBOOK_BANNED_H

/* Pulled in first so their declarations are seen before the macros below. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef gets
#define gets(x) BANNED(gets)

#endif
