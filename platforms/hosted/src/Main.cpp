/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The hosted image's process entry: open the disks named by --disk=PATH arguments (ADR 0017),
 * take the CPU count from --cpus=N (ADR 0020), the host-sockets capability's forwards from
 * --forward=FROM=TO (ADR 0024, amendment 2026-12-06), map the image's memory, install fault
 * handlers, boot. Any other argument is refused.
 */

#include "Hosted.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <vectra/config.h>
#include <vectra/platform/Platform.h>
#include <vectra/platform/hosted/Disks.h>
#include <vectra/platform/hosted/Forwards.h>
#include <vectra/platform/hosted/Processors.h>

int main(int argc, char** argv)
{
    using namespace vectra;
    setvbuf(stdout, nullptr, _IONBF, 0);
    for (int index = 1; index < argc; ++index) {
        char const* argument = argv[index];
        if (strncmp(argument, "--cpus=", 7) == 0) {
            char* end = nullptr;
            unsigned long count = strtoul(argument + 7, &end, 10);
            if (end == argument + 7 || *end != '\0' || count < 1 || count > CONFIG_CPUS_MAX) {
                fprintf(stdout, "vectra: hosted: %s: the CPU count must be 1 to %d\n", argument, CONFIG_CPUS_MAX);
                return static_cast<int>(platform::ExitStatus::Failure);
            }
            platform::hosted::request_processors(static_cast<u32>(count));
            continue;
        }
        if (strncmp(argument, "--forward=", 10) == 0) {
            auto added = platform::hosted::add_forward(argument + 10);
            if (added.is_error()) {
                fprintf(stdout, "vectra: hosted: %s: %s\n", argument, added.error().message());
                return static_cast<int>(platform::ExitStatus::Failure);
            }
            continue;
        }
        if (strncmp(argument, "--disk=", 7) != 0) {
            fprintf(stdout, "vectra: hosted: unknown argument %s (they are --disk=PATH, --cpus=N and --forward=[udp:]FROM=TO)\n", argument);
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
