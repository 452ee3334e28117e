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

#ifdef __cplusplus
extern "C" {
#endif

typedef long time_t;

struct tm {
    int tm_sec;
    int tm_min;
    int tm_hour;
    int tm_mday;
    int tm_mon;
    int tm_year;
    int tm_wday;
    int tm_yday;
    int tm_isdst;
};

time_t time(time_t* result);
struct tm* gmtime_r(time_t const* time, struct tm* result);

#ifdef __cplusplus
}
#endif

#endif
