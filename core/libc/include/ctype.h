/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * <ctype.h> for ported C code on bare metal: SQLite includes it and classifies characters with
 * its own tables; nothing is declared, so a use fails to link.
 */

#ifndef VECTRA_LIBC_CTYPE_H
#define VECTRA_LIBC_CTYPE_H

#endif
