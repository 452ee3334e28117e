/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "Power.h"
#include "Registers.h"

namespace vectra::platform::aarch64 {

namespace {

constexpr u64 psci_system_off_function = 0x8400'0008;
constexpr u64 psci_system_reset_function = 0x8400'0009;
constexpr u64 psci_cpu_on_function = 0xc400'0003; /* SMC64 */

PsciConduit s_conduit = PsciConduit::Hypervisor;
bool volatile s_semihosting_probe_active = false;

/* SMC Calling Convention: function id in x0, arguments in x1-x3, result in x0; x1-x17 may be clobbered. */
u64 psci_call(u64 function, u64 first = 0, u64 second = 0, u64 third = 0)
{
    register u64 x0 asm("x0") = function;
    register u64 x1 asm("x1") = first;
    register u64 x2 asm("x2") = second;
    register u64 x3 asm("x3") = third;
    if (s_conduit == PsciConduit::SecureMonitor)
        asm volatile("smc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                     :
                     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17",
                     "memory");
    else
        asm volatile("hvc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                     :
                     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17",
                     "memory");
    return x0;
}

}

void set_psci_conduit(PsciConduit conduit) { s_conduit = conduit; }

i64 psci_cpu_on(u64 affinity, u64 entry, u64 context)
{
    return static_cast<i64>(psci_call(psci_cpu_on_function, affinity, entry, context));
}

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
