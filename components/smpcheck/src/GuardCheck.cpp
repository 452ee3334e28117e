/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * images/smp's guard-page check (ADR 0034): a guard page set by one CPU must stop a Task on
 * another CPU that had the page in its TLB. This Task runs on cpu 0 and spawns its children,
 * pinned to cpu 1, from a Reticle of its own, so it decides where their stacks lie:
 *
 *  1. a reader on cpu 1 reads the deepest pages of its stack (cpu 1 caches their translations)
 *     and exits;
 *  2. the Reticle is reclaimed and two pages carved off its start, so the next child's guard
 *     page — set here, on cpu 0, when it is spawned — is one of the pages cpu 1 just read;
 *  3. that child recurses on cpu 1 until its stack runs out: it must fault in its guard page.
 *     Had cpu 0 invalidated only its own TLB, cpu 1 would still map the page and run on into
 *     the memory below;
 *  4. the same again with a fresh child, so cpu 1 takes a second fault (its fault stacks start
 *     afresh each time) while the other CPUs go on.
 *
 * Built with CONFIG_SMPCHECK_GUARD_PAGES; NoGuardCheck.cpp stands in otherwise.
 */

#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>

VECTRA_TASK_ENTRY(smp_guard_check);
VECTRA_TASK_ENTRY(smp_guard_reader);
VECTRA_TASK_ENTRY(smp_guard_overflow);

namespace vectra::task_entries {

namespace {

constexpr u32 child_processor = 1;
constexpr usize child_stack_size = 16 * KiB;
constexpr usize page = 4 * KiB;
/* The reader reads this many pages from the bottom of its stack; the pad shifts the next stack by two. */
constexpr usize pages_read = 4;
constexpr usize pad_pages = 2;
constexpr usize reticle_size = 160 * KiB;
constexpr SignalBit exit_bit { 5 };

/* Far deeper than any stack: the recursion ends at the guard page, long before this. */
u64 volatile s_depth_limit = u64(1) << 40;

[[gnu::noinline]] u64 descend(u64 depth)
{
    if (depth > s_depth_limit)
        return 0;
    u8 volatile frame[512];
    frame[depth % sizeof(frame)] = static_cast<u8>(depth);
    return descend(depth + 1) + frame[(depth * 7) % sizeof(frame)];
}

struct Authority {
    ConsoleCap console;
    ReticleCap memory;
    TaskCap tasks;
};

/* Spawns `entry` on cpu 1 from `memory` with the console, waits for it to end; its status. */
ErrorOr<TaskStatus> run_child(Authority const& authority, ReticleCap const& memory, std::string_view name,
    TaskEntry entry, uptr& guard_page)
{
    SpawnRequest request { name, entry, child_stack_size };
    request.processor = child_processor;
    request.notify_on_exit = true;
    request.exit_bit = exit_bit;
    auto child = TRY(system::spawn(authority.tasks, memory, request));
    guard_page = TRY(system::task_status(child)).guard_page;
    TRY(system::grant(child, "console", authority.console, RightWrite));
    while (!(system::wait(exit_bit.mask()) & exit_bit.mask())) {
    }
    auto status = TRY(system::task_status(child));
    TRY(system::reap(std::move(child)));
    return status;
}

/* An overflow child on cpu 1 whose guard page is `guard_page`: true when it faulted there. */
ErrorOr<bool> overflow_faulted_in_guard(Authority const& authority, TaskStatus const& status, uptr guard_page)
{
    bool in_guard = status.failure_address >= guard_page && status.failure_address < guard_page + page;
    if (status.exit_cause == ExitCause::Faulted && in_guard && status.processor == child_processor)
        return true;
    TRY(print_line(authority.console,
        "smp_guard: FAILED: the overflow on cpu {} ended with cause {} at address {:#x}, not a fault in the guard page {:#x}",
        status.processor, static_cast<u32>(status.exit_cause), status.failure_address, guard_page));
    return false;
}

ErrorOr<i32> check(Authority const& authority)
{
    auto memory = TRY(system::carve(authority.memory, reticle_size));
    uptr reader_guard = 0;
    auto reader = TRY(run_child(authority, memory, "guard-reader", smp_guard_reader, reader_guard));
    if (reader.exit_cause != ExitCause::Returned || reader.processor != child_processor || reader_guard == 0) {
        TRY(print_line(authority.console, "smp_guard: FAILED: the reader did not run to its end on cpu {}", child_processor));
        return 1;
    }
    TRY(system::reclaim(memory));
    auto pad = TRY(system::carve(memory, pad_pages * page));
    uptr guard = 0;
    auto first = TRY(run_child(authority, memory, "guard-overflow", smp_guard_overflow, guard));
    /* The reader's stack began one page above its guard page, and it read pages_read pages there. */
    if (guard <= reader_guard || guard > reader_guard + pages_read * page) {
        TRY(print_line(authority.console, "smp_guard: FAILED: the guard page {:#x} is not one the reader read (its guard {:#x})",
            guard, reader_guard));
        return 1;
    }
    if (!TRY(overflow_faulted_in_guard(authority, first, guard)))
        return 1;
    TRY(print_line(authority.console,
        "smp_guard: the guard page set from cpu 0 on a page cpu 1 had read stopped the Task on cpu 1 at {:#x}",
        first.failure_address));
    uptr second_guard = 0;
    auto second = TRY(run_child(authority, memory, "guard-overflow", smp_guard_overflow, second_guard));
    if (!TRY(overflow_faulted_in_guard(authority, second, second_guard)))
        return 1;
    TRY(print_line(authority.console, "smp_guard: a second overflow on cpu 1 was contained too"));
    TRY(system::remove(std::move(pad)));
    return 0;
}

}

ErrorOr<i32> smp_guard_check(Bundle& bundle)
{
    Authority authority { TRY(bundle.take<ConsoleCap>("console")), TRY(bundle.take<ReticleCap>("memory")),
        TRY(bundle.take<TaskCap>("tasks")) };
    return check(authority);
}

ErrorOr<i32> smp_guard_reader(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    TaskStatus self = system::self_status();
    /* Below this Task's frames: zeroed stack memory, mapped and readable. */
    u64 sum = 0;
    for (usize index = 1; index <= pages_read; ++index)
        sum += *reinterpret_cast<u8 volatile const*>(self.guard_page + index * page);
    TRY(print_line(console, "smp_guard: cpu {} read the {} deepest pages of its stack ({})", self.processor, pages_read, sum));
    return 0;
}

ErrorOr<i32> smp_guard_overflow(Bundle& bundle)
{
    (void)TRY(bundle.take<ConsoleCap>("console"));
    return static_cast<i32>(descend(0));
}

}
