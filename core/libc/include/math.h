/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * <math.h> for ported C code on bare metal: fabs and floorf (core/libc's Arithmetic.cpp), nothing
 * else; SQLite includes it and uses no libm function (its SQL math functions are not compiled).
 */

#ifndef VECTRA_LIBC_MATH_H
#define VECTRA_LIBC_MATH_H

#ifdef __cplusplus
extern "C" {
#endif

double fabs(double value);
float floorf(float value);

#ifdef __cplusplus
}
#endif

#endif
