/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The C structures core/libc's C names exchange with ported C code, declared once: the C headers
 * (time.h, sys/time.h) include this for C sources, and src/CNames.cpp includes it by its path
 * (C++ sources never see the other C headers, which would shadow the toolchain's).
 */

#ifndef VECTRA_LIBC_STRUCTS_H
#define VECTRA_LIBC_STRUCTS_H

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

struct timeval {
    long tv_sec;  /* time_t */
    long tv_usec; /* suseconds_t */
};

#endif
