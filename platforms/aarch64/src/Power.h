/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Power through PSCI (SYSTEM_OFF, SYSTEM_RESET) and, for the exit status, semihosting.
 */

#pragma once

#include <vectra/platform/Platform.h>

namespace vectra::platform::aarch64 {

/* How PSCI calls reach the firmware (QEMU: hvc at EL1, smc when EL2 exists); from /psci. */
enum class PsciConduit : u8 {
    Hypervisor,
    SecureMonitor,
};

void set_psci_conduit(PsciConduit);

/* PSCI CPU_ON: starts the CPU with MPIDR affinity `affinity` at physical `entry`, x0 = `context`,
   MMU off, at this EL. 0 on success, a PSCI error (negative) otherwise. */
[[nodiscard]] i64 psci_cpu_on(u64 affinity, u64 entry, u64 context);

/* PSCI SYSTEM_OFF; halts if the firmware refuses. */
[[noreturn]] void psci_system_off();

/*
 * Variant (ExitSemihosting.cpp or ExitPsciOnly.cpp): ends QEMU with `status` if the machine
 * offers a way to report it; returns when it could not.
 */
void try_exit_with_status(ExitStatus status);

/*
 * The semihosting trap is an undefined instruction when semihosting is off. The exception
 * handler asks this to tell that case from a real fault.
 */
void set_semihosting_probe_active(bool);
[[nodiscard]] bool semihosting_probe_active();

}
