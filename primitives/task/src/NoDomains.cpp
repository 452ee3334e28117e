/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * CONFIG_DOMAINS=n: every Task runs in kernel mode on the kernel's page tables; a spawn that
 * asks for a protection domain is refused (the manifest compiler refuses such a manifest first).
 */

#include <vectra/kernel/Domain.h>

namespace vectra::domains {

ErrorOr<void> join(Task&, SpawnParameters const& parameters)
{
    if (!parameters.domain.empty())
        return Error(ErrorCode::Unsupported, "protection domains need CONFIG_DOMAINS=y");
    return {};
}

ErrorOr<void> initialize() { return {}; }
void leave(Task&) { }
void activate(Task&) { }
void enter_user_mode(Task&) { VERIFY_NOT_REACHED(); }
u8* user_memory(Task const&, uptr address, usize, bool) { return reinterpret_cast<u8*>(address); }
std::string_view name_of(Task const&) { return {}; }
bool alone_in_domain(Task const&) { return false; }
void set_preempted(Task&, bool) { }
bool held_by_another(Task const&) { return false; }

}
