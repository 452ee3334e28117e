/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * <inttypes.h> for ported C code on bare metal: the fixed-width types (the compiler's
 * <stdint.h>); no format macros or functions.
 */

#ifndef VECTRA_LIBC_INTTYPES_H
#define VECTRA_LIBC_INTTYPES_H

#include <stdint.h>

#endif
