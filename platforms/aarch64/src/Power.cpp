/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "Power.h"
#include "Registers.h"

namespace vectra::platform::aarch64 {

namespace {

constexpr u64 psci_system_off_function = 0x8400'0008;
constexpr u64 psci_system_reset_function = 0x8400'0009;

PsciConduit s_conduit = PsciConduit::Hypervisor;
bool volatile s_semihosting_probe_active = false;

/* SMC Calling Convention: function id in x0, result in x0; x1-x17 may be clobbered. */
u64 psci_call(u64 function)
{
    register u64 x0 asm("x0") = function;
    if (s_conduit == PsciConduit::SecureMonitor)
        asm volatile("smc #0"
                     : "+r"(x0)
                     :
                     : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
                     "x16", "x17", "memory");
    else
        asm volatile("hvc #0"
                     : "+r"(x0)
                     :
                     : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
                     "x16", "x17", "memory");
    return x0;
}

}

void set_psci_conduit(PsciConduit conduit) { s_conduit = conduit; }

void psci_system_off()
{
    mask_all_exceptions();
    (void)psci_call(psci_system_off_function);
    halt_forever();
}

void set_semihosting_probe_active(bool active) { s_semihosting_probe_active = active; }

bool semihosting_probe_active() { return s_semihosting_probe_active; }

}

namespace vectra::platform {

void power_off(ExitStatus status)
{
    aarch64::mask_all_exceptions();
    aarch64::try_exit_with_status(status);
    aarch64::psci_system_off();
}

void reset()
{
    aarch64::mask_all_exceptions();
    (void)aarch64::psci_call(aarch64::psci_system_reset_function);
    aarch64::halt_forever();
}

}
