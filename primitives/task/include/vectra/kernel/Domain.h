/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Protection domains, the kernel side (CONFIG_DOMAINS; docs/adr/0009-protection-domains.md). A
 * domain is a named address space shared by the Tasks spawned into it. It maps, for user mode:
 * the image's code (read, execute) and constants (read), the data section of the component it
 * runs (read, write), a private copy of the shared libraries' data at the same addresses
 * (read, write), each member's user stack (read, write), and the memory of every MemCap
 * and Ring its members' capability spaces hold, with the rights they carry — recomputed
 * whenever such a capability enters or leaves one of those spaces (SpaceObserver), so a
 * revoked, deleted or moved capability's memory is unmapped before the call that removed it
 * returns. Everything else, the kernel's own memory first, stays privileged-only.
 *
 * Without CONFIG_DOMAINS the same functions exist (src/NoDomains.cpp): a spawn asking for a
 * domain is refused and every Task runs in kernel mode.
 */

#pragma once

#include <vectra/Error.h>
#include <vectra/kernel/Task.h>

namespace vectra::domains {

/*
 * Once at boot, after static constructors and before the first Task runs: keep the shared
 * libraries' data (core/ and ports, `__library_data_start`..`__library_data_end`) as every
 * domain's private copy of it starts. Fails when it exceeds CONFIG_DOMAIN_LIBRARY_DATA_KIB.
 */
[[nodiscard]] ErrorOr<void> initialize();
/* Put a newly spawned Task into the domain its parameters name (created on first use). */
[[nodiscard]] ErrorOr<void> join(Task&, SpawnParameters const&);
/* The Task exited: its user stack is unmapped; the domain goes with its last member. */
void leave(Task&);
/* Called by the executor just before `task` runs. */
void activate(Task& task);
/* From the Task's first run on its fiber (kernel) stack: drop to user mode at its entry. */
[[noreturn]] void enter_user_mode(Task&);
/*
 * Where the kernel finds the bytes `task` sees at [address, address + length), or nullptr when
 * its domain may not touch them (read, or with `writable` write). The address itself for a Task
 * without a domain and for most memory; inside the shared libraries' data, the domain's own
 * copy — a range must then lie wholly inside it.
 */
[[nodiscard]] u8* user_memory(Task const&, uptr address, usize length, bool writable);
/* Whether the Task is in a domain with no other member: what makes it preemptible (ADR 0018). */
[[nodiscard]] bool alone_in_domain(Task const&);
/*
 * The Task was switched away at a preemption point (or resumed from one). While it is, the other
 * members of its domain are not runnable: one that joined after the Task was preempted would
 * otherwise run on the domain's data (its component's, its copy of the libraries') in the middle
 * of the preempted Task's use of it.
 */
void set_preempted(Task&, bool preempted);
[[nodiscard]] bool held_by_another(Task const&);
/* The domain's name, empty for a Task without one. */
[[nodiscard]] std::string_view name_of(Task const&);
/* The kernel-stack size of a Task in a domain (its fiber stack; its user stack is separate). */
inline constexpr usize kernel_stack_size = 16 * KiB;

}
