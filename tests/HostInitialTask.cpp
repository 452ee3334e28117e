/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Host unit tests and fuzz targets link the real kernel and the hosted platform. The kernel's
 * first Task is the image's initd, which these binaries do not have; this one says so if
 * anything ever boots it, under the image name "host-tests".
 */

#include <vectra/Bundle.h>
#include <vectra/TaskEntry.h>
#include <vectra/kernel/Kernel.h>

/* Named as in images, so that reports read the same. */
VECTRA_INITIAL_TASK_NAME("initd");

namespace vectra::kernel {

char const image_name[] = "host-tests";

ErrorOr<i32> initial_task_entry(Bundle&)
{
    return Error(ErrorCode::Unsupported, "host test binaries have no initd");
}

/* These binaries never boot, so the kernel's entropy pool gets the credit boot gives it (the
   platform's source: getrandom on hosted) when the binary loads; tests of the pool's refusals
   start from a fresh pool of their own (TestEntropy.cpp). Weak: a test linking no kernel
   (COMPONENTS base only) has no pool. */
[[gnu::weak]] u32 entropy_boot();
[[maybe_unused]] u32 const s_boot_entropy = &entropy_boot != nullptr ? entropy_boot() : 0;

}
