/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * <ctype.h> for ported C code on bare metal: the classification and case functions in the C
 * locale (the only one), for every unsigned char value and EOF, as glibc answers them there.
 */

#ifndef VECTRA_LIBC_CTYPE_H
#define VECTRA_LIBC_CTYPE_H

#ifdef __cplusplus
extern "C" {
#endif

int isdigit(int character);
int isxdigit(int character);
int isspace(int character);
int isalpha(int character);
int isalnum(int character);
int isupper(int character);
int islower(int character);
int isprint(int character);
int tolower(int character);
int toupper(int character);

#ifdef __cplusplus
}
#endif

#endif
