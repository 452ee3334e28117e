/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * <signal.h> for ported C code on bare metal: included, never used (an image has no signals;
 * libsodium only raises SIGSEGV from its guarded-page allocator, which is not built).
 */

#ifndef VECTRA_LIBC_SIGNAL_H
#define VECTRA_LIBC_SIGNAL_H

#endif
