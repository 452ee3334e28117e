/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The platform side of protection domains (CONFIG_DOMAINS, docs/adr/0009-protection-domains.md).
 * A domain is an address space: the kernel's own mappings, kept privileged-only, plus the
 * pages the domain may touch from user mode (ring 3 / EL0), each with its access. The kernel
 * decides what is mapped (vectra/Domain.h); the platform builds the page tables, switches to
 * them, enters user mode and turns user-mode traps into kernel calls.
 *
 * Platforms without an MMU (hosted) implement create_address_space() as "unsupported" and the
 * configuration refuses CONFIG_DOMAINS there; in_domain() is then always false.
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::kernel {
struct CallFrame; /* vectra/CallFrame.h, which declares in_domain() and trap_call() too */
}

namespace vectra::platform {

/* How user mode may touch a page. Kernel mode never runs on user pages (see each platform's README). */
enum class UserAccess : u8 {
    None,        /* not reachable from user mode (the kernel's view of the page is restored) */
    Read,        /* read, never write or execute */
    ReadWrite,   /* read and write, never execute */
    ReadExecute, /* read and execute, never write (shared code) */
};

/* One domain's page tables; defined by each platform. */
struct AddressSpace;

/* A new address space holding only the kernel's privileged mappings; nullptr when page-table memory ran out. */
[[nodiscard]] AddressSpace* create_address_space();
/* Gives every page table back. The space must not be active (no Task of it runs). */
void destroy_address_space(AddressSpace&);
/*
 * Map [base, base + size) (page-aligned) for user mode with `access`, or with UserAccess::None
 * take it away. False, having changed nothing, for an unaligned or unmappable range or when
 * page-table memory ran out.
 */
[[nodiscard]] bool map_user(AddressSpace&, uptr base, usize size, UserAccess);
/*
 * The same, but user mode's view of [base, base + size) is the memory at [frames, frames + size)
 * (page-aligned, identity-mapped RAM): a domain's private copy of data every component links.
 * UserAccess::None restores the kernel's view of the range.
 */
[[nodiscard]] bool map_user_frames(AddressSpace&, uptr base, usize size, uptr frames, UserAccess);
/* Whether user mode in this space may read (and, with `writable`, write) every byte of the range. */
[[nodiscard]] bool user_may_access(AddressSpace const&, uptr base, usize size, bool writable);

/*
 * Called by the executor just before a Task runs: the space its user mode runs on (nullptr for
 * a Task without a domain) and the top of the stack its traps run on in kernel mode.
 */
void activate_domain(AddressSpace*, uptr kernel_stack_top);

/*
 * Leave kernel mode for good on the current Task's kernel stack: switch to `space`, and start
 * user mode at `instruction` with the stack pointer at `stack_top` (16-byte aligned) and the
 * two arguments in the first two argument registers. Kernel calls come back through trap_call.
 */
[[noreturn]] void enter_user(AddressSpace&, uptr instruction, uptr stack_top, uptr argument0, uptr argument1);

/* True in user mode (a Task in a domain), false in kernel mode. Cheap; callable from both. */
[[nodiscard]] bool in_domain();

/*
 * User mode: hand `frame` to the kernel with a trap (`syscall` / `svc`). The kernel checks the
 * frame lies in memory the caller may write, runs kernel::system_call(frame) on the Task's
 * kernel stack (it may block) and returns here.
 */
void trap_call(kernel::CallFrame&);

}

namespace vectra::kernel {

/*
 * The kernel side of a trap from user mode, called by the platform on the Task's kernel stack,
 * on the kernel's page tables, with interrupts masked: checks the frame and dispatches it.
 */
void user_trap(uptr frame_address);

}
