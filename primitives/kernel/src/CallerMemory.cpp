/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Which memory a kernel call may touch for its caller. Without protection domains every Task
 * shares the kernel's address space and is trusted with it, so every range is the caller's;
 * a domain's page tables (CONFIG_DOMAINS) narrow this to what the domain maps.
 */

#include <vectra/CallFrame.h>

namespace vectra::kernel {

bool caller_may_access(uptr, usize, bool)
{
    return true;
}

}
