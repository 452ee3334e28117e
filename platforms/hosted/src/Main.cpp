/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The hosted image's process entry: open the disks named by --disk=PATH arguments (ADR 0017),
 * map the image's memory, install fault handlers, boot. Any other argument is refused.
 */

#include "Hosted.h"
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <vectra/config.h>
#include <vectra/platform/Platform.h>
#include <vectra/platform/hosted/Disks.h>

int main(int argc, char** argv)
{
    using namespace vectra;
    setvbuf(stdout, nullptr, _IONBF, 0);
    for (int index = 1; index < argc; ++index) {
        char const* argument = argv[index];
        if (strncmp(argument, "--disk=", 7) != 0) {
            fprintf(stdout, "vectra: hosted: unknown argument %s (the only one is --disk=PATH)\n", argument);
            return static_cast<int>(platform::ExitStatus::Failure);
        }
        auto attached = platform::hosted::attach_disk(argument + 7);
        if (attached.is_error()) {
            fprintf(stdout, "vectra: hosted: %s: %s\n", argument + 7, attached.error().message());
            return static_cast<int>(platform::ExitStatus::Failure);
        }
    }
    usize size = static_cast<usize>(CONFIG_HOSTED_MEMORY_MIB) * MiB;
    void* memory = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (memory == MAP_FAILED) {
        static constexpr char message[] = "vectra: hosted: cannot map the image's memory\n";
        platform::console_write(message, sizeof(message) - 1);
        return static_cast<int>(platform::ExitStatus::Failure);
    }
    platform::hosted::install_fault_handlers();
    platform::BootInfo boot_info;
    boot_info.platform_name = "hosted";
    boot_info.free_memory.regions[0] = { reinterpret_cast<u64>(memory), size };
    boot_info.free_memory.count = 1;
    kernel::boot(boot_info);
}
