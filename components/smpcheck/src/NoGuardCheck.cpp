/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * images/smp's guard-page check where CONFIG_SMPCHECK_GUARD_PAGES is off (x86_64, hosted: see
 * the option's help): it says so and passes.
 */

#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>

VECTRA_TASK_ENTRY(smp_guard_check);

namespace vectra::task_entries {

ErrorOr<i32> smp_guard_check(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    TRY(print_line(console, "smp_guard: not checked on this platform (CONFIG_SMPCHECK_GUARD_PAGES=n)"));
    return 0;
}

}
