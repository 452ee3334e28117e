/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * <inttypes.h> for ported C code on bare metal: the fixed-width types (the compiler's
 * <stdint.h>) and the PRI format macros printf needs for them (glibc's values on LP64); no
 * functions.
 */

#ifndef VECTRA_LIBC_INTTYPES_H
#define VECTRA_LIBC_INTTYPES_H

#include <stdint.h>

/* printf's length modifiers for the fixed-width types on LP64 (both architectures). */
#define PRId8 "d"
#define PRId16 "d"
#define PRId32 "d"
#define PRId64 "ld"
#define PRIi32 "i"
#define PRIi64 "li"
#define PRIu8 "u"
#define PRIu16 "u"
#define PRIu32 "u"
#define PRIu64 "lu"
#define PRIx8 "x"
#define PRIx16 "x"
#define PRIx32 "x"
#define PRIx64 "lx"
#define PRIX8 "X"
#define PRIX16 "X"
#define PRIX32 "X"
#define PRIX64 "lX"
#define PRIo32 "o"
#define PRIo64 "lo"
#define PRIuPTR "lu"
#define PRIxPTR "lx"

#endif
