/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The fault injector as the hosted driver's Backend (hostblk/PowerCutBackend.h): a Task holding a
 * real platform disk (a host file) reaches it through DiskBackend → PowerCut → the Backend the
 * Driver calls, with its bytes in MemCaps as the Driver passes them.
 */

#include "../primitives/HostDisk.h"
#include <catch2/catch.hpp>
#include <hostblk/PowerCutBackend.h>
#include <vector>
#include <vectra/System.h>
#include <vectra/Try.h>

using namespace vectra;
using namespace vectra::test;

namespace {

hostblk::PowerCutReport s_report;

ErrorOr<void> fill(MemCap const& memory, u8 value)
{
    auto bytes = TRY(system::map_memory(memory));
    std::memset(bytes.data(), value, bytes.size());
    return {};
}

}

TEST_CASE("Through the Backend, held writes read back, a flush writes them to the disk, and a cut decides each one")
{
    HostFile file;
    Supervisor supervisor;
    static std::vector<u8> cache(64 * KiB);
    auto result = supervisor.run(RightRead | RightWrite, [](Bundle& bundle) -> ErrorOr<i32> {
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        auto disk = TRY(hostblk::DiskBackend::open(TRY(bundle.take<DeviceCap>("disk"))));
        auto bounce = TRY(system::create_memory(memory, 16 * KiB));
        auto bounce_bytes = TRY(system::map_memory(bounce));
        hostblk::PowerCutBackend backend(disk, std::move(bounce), bounce_bytes, cache);
        if (backend.info().block_count != disk_blocks)
            return 1;
        auto request = TRY(system::create_memory(memory, 4096));
        TRY(fill(request, 0x11));
        TRY(backend.write(request, 512, 5, 2)); /* blocks 5 and 6 from byte 512 */
        TRY(fill(request, 0));
        TRY(backend.read(request, 0, 5, 1));
        if (TRY(system::map_memory(request))[0] != 0x11)
            return 2; /* a held write reads back */
        TRY(backend.flush());
        backend.power().cut_after(4, 99);
        for (u8 block = 10; block < 14; ++block) {
            TRY(fill(request, u8(0x20 + block)));
            auto written = backend.write(request, 0, block, 1);
            if (written.is_error() != (block == 13))
                return 3; /* the fourth write is the last */
        }
        if (!backend.read(request, 0, 0, 1).is_error())
            return 4; /* no power: nothing is served */
        s_report = backend.power().report();
        backend.power().restore_power();
        TRY(backend.read(request, 0, 0, 1));
        return 0;
    });
    REQUIRE(!result.is_error());
    REQUIRE(result.value() == 0);
    CHECK(file.byte_at(5 * 512) == 0x11);
    CHECK(file.byte_at(6 * 512 + 511) == 0x11);
    CHECK(file.byte_at(7 * 512) == 7);
    CHECK(s_report.cut);
    CHECK(s_report.kept + s_report.dropped + s_report.torn == 4);
    u64 kept = 0;
    for (u8 block = 10; block < 14; ++block) {
        u8 value = file.byte_at(block * 512);
        CHECK((value == block || value == 0x20 + block));
        kept += value == 0x20 + block;
    }
    CHECK(kept == s_report.kept);
}
