/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * <stdio.h> for ported C code on bare metal: ported code may include it; nothing in it is
 * provided (an image has no streams), so a use fails to link, naming the function.
 */

#ifndef VECTRA_LIBC_STDIO_H
#define VECTRA_LIBC_STDIO_H

#include <stddef.h>

#endif
