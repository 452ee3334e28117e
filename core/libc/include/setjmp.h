/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * setjmp/longjmp for ported C code (FreeType's smooth rasteriser leaves a band that overflows its
 * pool with longjmp). src/SetJump.<architecture>.S: the callee-saved registers, the stack pointer
 * and the return address (x86_64: rbx, rbp, r12–r15; aarch64: x19–x30, d8–d15). No signal mask.
 */

#ifndef VECTRA_LIBC_SETJMP_H
#define VECTRA_LIBC_SETJMP_H

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned long jmp_buf[22];

int setjmp(jmp_buf environment) __attribute__((returns_twice));
_Noreturn void longjmp(jmp_buf environment, int value);

#ifdef __cplusplus
}
#endif

#endif
