/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Forced into libsodium's randombytes.c on bare metal (-include): its default implementation is
 * core/crypto's adapter to core/random's High generator (core/crypto/src/Library.cpp), never a
 * file or a system call.
 */

struct randombytes_implementation;
extern struct randombytes_implementation vectra_libsodium_randombytes;
