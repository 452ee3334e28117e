/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Exit status through semihosting SYS_EXIT (AArch64 form: x1 points at {reason, status}).
 * QEMU started with -semihosting-config enable=on exits with `status`. Without it `hlt` is
 * undefined: the exception handler sees the probe flag and finishes with PSCI SYSTEM_OFF.
 */

#include "Power.h"

namespace vectra::platform::aarch64 {

namespace {

constexpr u64 semihosting_exit_operation = 0x18;
constexpr u64 application_exit_reason = 0x20026;

}

void try_exit_with_status(ExitStatus status)
{
    u64 parameters[2] = { application_exit_reason, static_cast<u64>(status) };
    register u64 x0 asm("x0") = semihosting_exit_operation;
    register u64 x1 asm("x1") = reinterpret_cast<uptr>(parameters);
    set_semihosting_probe_active(true);
    asm volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    set_semihosting_probe_active(false);
}

}
