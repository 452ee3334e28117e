/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A hosted platform disk for tests that run Tasks: a host file of 64 blocks (block n filled with
 * byte n) attached as disk 0, and a supervisor's space holding it, a console and a Reticle to
 * grant to a test Task.
 */

#pragma once

#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstring>
#include <string>
#include <unistd.h>
#include <vectra/kernel/BlockDevice.h>
#include <vectra/kernel/Executor.h>
#include <vectra/platform/hosted/Disks.h>

namespace vectra::test {

constexpr u64 disk_blocks = 64;

/* A host file of 64 blocks, block n filled with byte n, attached as the platform's disk 0. */
struct HostFile {
    std::string path;
    HostFile()
    {
        char name[] = "/tmp/vectra-disk-XXXXXX";
        int descriptor = ::mkstemp(name);
        REQUIRE(descriptor >= 0);
        path = name;
        for (u64 block = 0; block < disk_blocks; ++block) {
            u8 bytes[512];
            std::memset(bytes, int(block), sizeof(bytes));
            REQUIRE(::write(descriptor, bytes, sizeof(bytes)) == 512);
        }
        ::close(descriptor);
        platform::hosted::detach_disks();
        REQUIRE_FALSE(platform::hosted::attach_disk(path.c_str()).is_error());
    }
    ~HostFile()
    {
        platform::hosted::detach_disks();
        ::unlink(path.c_str());
    }
    u8 byte_at(u64 offset) const
    {
        FILE* file = std::fopen(path.c_str(), "rb");
        std::fseek(file, long(offset), SEEK_SET);
        int value = std::fgetc(file);
        std::fclose(file);
        return u8(value);
    }
};

/* A supervisor's space holding disk 0 and a console, as initd holds them from the kernel. */
struct Supervisor {
    test::Arena arena { 1 * MiB };
    test::Arena tasks { 1 * MiB };
    test::Arena buffers { 1 * MiB };
    CapabilitySpace space { allocate_space_id() };
    DeviceCap disk;
    ConsoleCap console;
    ReticleCap memory;

    Supervisor()
    {
        auto* device
            = arena.reticle().try_create<BlockDevice>(&arena.reticle(), 0, platform::disk_geometry(0)).release_value();
        disk = space.mint<CapabilityClass::Device>(device, all_rights).release_value();
        auto* console_device = arena.reticle().try_create<ConsoleDevice>(&arena.reticle()).release_value();
        console = space.mint<CapabilityClass::Device>(console_device, RightWrite | RightGrant).release_value();
        memory = space.mint<CapabilityClass::Reticle>(&buffers.reticle(), RightRetype | RightGrant).release_value();
    }
    ~Supervisor() { (void)space.clear(); }

    template<typename Body>
    ErrorOr<i32> run(Rights rights, Body&& body)
    {
        return test::run_as_task(
            tasks.reticle(),
            [&](Task& task) {
                if (rights != 0)
                    REQUIRE_FALSE(task.bundle().grant("disk", space, disk, rights).is_error());
                REQUIRE_FALSE(task.bundle().grant("console", space, console, RightWrite).is_error());
                REQUIRE_FALSE(task.bundle().grant("memory", space, memory, RightRetype).is_error());
            },
            body);
    }
};

}
