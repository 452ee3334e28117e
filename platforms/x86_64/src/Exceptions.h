/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What vectors.S's exception and NMI stubs hand to C++, and the one read that may fault and
 * come back (probe_read, for the TLB shootdown's boot check).
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::x86_64 {

/* What vectors.S leaves on the stack, lowest address first. */
struct ExceptionFrame {
    u64 r15, r14, r13, r12, r11, r10, r9, r8;
    u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
    u64 vector;
    u64 error_code;
    u64 rip, cs, rflags, rsp, ss;
};
static_assert(sizeof(ExceptionFrame) == 22 * 8);

}

/* Reads one byte at `address` in kernel mode: true if it could, false if it page-faulted (the
   fault resumes after the read instead of being reported; vectors.S). */
extern "C" [[nodiscard]] bool platform_x86_64_probe_read(vectra::u64 address);
