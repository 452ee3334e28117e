/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Tasks that fail on purpose, so image tests can prove a CPU fault or a panic inside a Task
 * is reported (which Task, what, where) and ends the image with a non-zero status.
 */

#include <vectra/Try.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>

VECTRA_TASK_ENTRY(crash_fault);
VECTRA_TASK_ENTRY(crash_panic);

namespace vectra::task_entries {

ErrorOr<i32> crash_fault(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    TRY(print_line(console, "crashtest: writing through an unmapped address"));
    /* 64 TiB: outside every platform's memory map (and outside x86_64's 4 GiB identity map). */
    auto* volatile target = reinterpret_cast<u64 volatile*>(0x4000'0000'0000ull);
    *target = 0xdead;
    TRY(print_line(console, "crashtest: the write did not fault"));
    return 1;
}

ErrorOr<i32> crash_panic(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    TRY(print_line(console, "crashtest: failing a VERIFY"));
    int volatile answer = 41;
    VERIFY(answer == 42);
    return 1;
}

}
