/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <signal.h>
#include <vectra/Types.h>

namespace vectra::platform::hosted {

/* Installs the fault handlers (on an alternate signal stack) that turn signals into reports. */
void install_fault_handlers();

/* Architecture-specific reads of a signal's machine context. */
[[nodiscard]] u64 instruction_pointer(void const* ucontext);
[[nodiscard]] u64 stack_pointer(void const* ucontext);

}
