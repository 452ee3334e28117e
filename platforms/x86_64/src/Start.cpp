/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The first C++ code: boot.S calls platform_x86_64_start in long mode on the boot stack, with
 * interrupts masked, SSE enabled and .bss cleared.
 */

#include "Console.h"
#include "Descriptors.h"
#include "InterruptControllers.h"
#include "MemoryMap.h"
#include "Paging.h"
#include "Time.h"
#include <vectra/platform/Platform.h>

extern "C" {
using Constructor = void (*)();
extern Constructor __init_array_start[];
extern Constructor __init_array_end[];
}

namespace vectra::x86_64 {

namespace {

platform::BootInfo s_boot_info;

/* Static constructors of every component (linker.ld gathers .init_array here). */
void run_constructors()
{
    for (Constructor* constructor = __init_array_start; constructor != __init_array_end; ++constructor)
        (*constructor)();
}

}

}

extern "C" [[noreturn]] void platform_x86_64_start(vectra::u32 start_info_address)
{
    using namespace vectra;
    x86_64::initialize_console();
    x86_64::initialize_descriptor_tables();
    x86_64::initialize_user_mode();
    x86_64::guard_boot_stack();
    x86_64::initialize_interrupt_controllers();
    x86_64::calibrate_timers();
    x86_64::s_boot_info.platform_name = "x86_64";
    x86_64::read_memory_map(start_info_address, x86_64::s_boot_info.free_memory);
    x86_64::run_constructors();
    kernel::boot(x86_64::s_boot_info);
}
