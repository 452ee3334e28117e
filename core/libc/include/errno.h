/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * <errno.h> for ported C code on bare metal. The values are Linux's, so ported code and
 * host tests agree.
 */

#ifndef VECTRA_LIBC_ERRNO_H
#define VECTRA_LIBC_ERRNO_H

#ifdef __cplusplus
extern "C" {
#endif

int* vectra_libc_errno_location(void);

#ifdef __cplusplus
}
#endif

#define errno (*vectra_libc_errno_location())

#define EPERM 1
#define ENOMEM 12
#define EINVAL 22
#define EFBIG 27
#define ERANGE 34
#define ENOSYS 38
#define EOVERFLOW 75

#endif
