/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The C++ entry, called by boot.S with the MMU and caches on, on the boot stack, every
 * exception masked.
 */

#include "Gic.h"
#include "MemoryMap.h"
#include "Timer.h"
#include <vectra/platform/Platform.h>

namespace vectra::platform::aarch64 {

namespace {

BootInfo s_boot_info;

using Constructor = void (*)();
extern "C" Constructor __init_array_start[];
extern "C" Constructor __init_array_end[];

void run_global_constructors()
{
    for (Constructor* constructor = __init_array_start; constructor != __init_array_end; ++constructor)
        (*constructor)();
}

}

extern "C" [[noreturn]] void platform_aarch64_start(u64 device_tree_address)
{
    /* The console (PL011) needs no set-up and the vectors are installed: C++ may print. */
    discover_machine(device_tree_address, s_boot_info.free_memory);
    gic_initialize();
    timer_initialize();
    run_global_constructors();

    s_boot_info.platform_name = "aarch64";
    /* SErrors may be reported from now on; IRQs and FIQs stay masked for the kernel. */
    asm volatile("msr daifclr, #4" ::: "memory");
    kernel::boot(s_boot_info);
}

}
