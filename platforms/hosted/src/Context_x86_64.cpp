/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "Hosted.h"
#include <ucontext.h>

namespace vectra::platform::hosted {

u64 instruction_pointer(void const* ucontext)
{
    return static_cast<u64>(static_cast<ucontext_t const*>(ucontext)->uc_mcontext.gregs[REG_RIP]);
}

u64 stack_pointer(void const* ucontext)
{
    return static_cast<u64>(static_cast<ucontext_t const*>(ucontext)->uc_mcontext.gregs[REG_RSP]);
}

}
