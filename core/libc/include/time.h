/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * <time.h> for ported C code on bare metal. An image has a monotonic clock and no ambient
 * calendar: time() answers (time_t)-1, "not available", and code that checks dates is handed a
 * time explicitly (BoringSSL: X509_VERIFY_PARAM_set_time, SSL_CTX_set_current_time_cb).
 * gmtime_r converts a time it is given.
 */

#ifndef VECTRA_LIBC_TIME_H
#define VECTRA_LIBC_TIME_H

#include <stddef.h>
#include <vectra_libc_structs.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef long time_t;

time_t time(time_t* result);
struct tm* gmtime_r(time_t const* time, struct tm* result);

#ifdef __cplusplus
}
#endif

#endif
