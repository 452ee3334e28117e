/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * <math.h> for ported C code on bare metal: SQLite includes it; it uses no libm function (its
 * SQL math functions are not compiled), so nothing is declared and a use fails to link.
 */

#ifndef VECTRA_LIBC_MATH_H
#define VECTRA_LIBC_MATH_H

#endif
