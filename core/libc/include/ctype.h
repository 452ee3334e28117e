/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * <ctype.h> for ported C code on bare metal: isdigit and isspace in the C locale (speedtest1
 * uses them; SQLite classifies characters with its own tables). Others are not declared, so a
 * use fails to compile.
 */

#ifndef VECTRA_LIBC_CTYPE_H
#define VECTRA_LIBC_CTYPE_H

#ifdef __cplusplus
extern "C" {
#endif

int isdigit(int character);
int isspace(int character);

#ifdef __cplusplus
}
#endif

#endif
