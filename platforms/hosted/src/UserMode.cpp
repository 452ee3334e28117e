/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Hosted has no protection domains (docs/adr/0009-protection-domains.md: the configuration refuses
 * CONFIG_DOMAINS here), so every Task runs as plain code in the process and kernel calls stay
 * function calls.
 */

#include <vectra/Panic.h>
#include <vectra/platform/Domain.h>

namespace vectra::platform {

bool in_domain() { return false; }

void trap_call(kernel::CallFrame&)
{
    PANIC("hosted: no protection domains, so nothing traps into the kernel");
}

}
