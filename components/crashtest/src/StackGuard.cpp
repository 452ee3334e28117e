/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The stack-guard image's Tasks: one recurses until its stack runs into the guard page below
 * it; the other proves the image kept running after that Task was contained.
 */

#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/SystemClock.h>
#include <vectra/TaskEntry.h>

VECTRA_TASK_ENTRY(stack_hog);
VECTRA_TASK_ENTRY(survivor);

namespace vectra::task_entries {

namespace {

/* Far deeper than any stack: the recursion ends at the guard page, long before this. */
u64 volatile s_depth_limit = u64(1) << 40;

/* Each frame keeps 512 bytes live so the compiler cannot turn the recursion into a loop. */
[[gnu::noinline]] u64 descend(u64 depth)
{
    if (depth > s_depth_limit)
        return 0;
    u8 volatile frame[512];
    frame[depth % sizeof(frame)] = static_cast<u8>(depth);
    return descend(depth + 1) + frame[(depth * 7) % sizeof(frame)];
}

}

ErrorOr<i32> stack_hog(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    uptr guard_page = system::self_status().guard_page;
    TRY(print_line(console, "stackhog: recursing until the stack runs out (guard page at {:#x})", guard_page));
    if (guard_page == 0) {
        TRY(print_line(console, "stackhog: this platform cannot guard pages"));
        return 1;
    }
    return static_cast<i32>(descend(0));
}

ErrorOr<i32> survivor(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    /* Run after the hog: wait 50 ms, long enough for it to overflow under emulation. */
    constexpr SignalBit pause_bit { 5 };
    (void)system::wait_until(0, deadline_after(Duration::from_milliseconds(50)), pause_bit);
    TRY(print_line(console, "survivor: still running after the overflow"));
    return 0;
}

}
