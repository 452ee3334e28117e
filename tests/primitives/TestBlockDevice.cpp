/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A platform disk as a capability (vectra/kernel/BlockDevice.h, ADR 0017), on the hosted
 * platform's --disk= files, tried as an attacker would: blocks past the disk, bytes past the
 * memory, counts that wrap, the wrong rights on the disk or on the memory, a console DeviceCap
 * in place of the disk, a Task without the disk.
 */

#include "HostDisk.h"
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstring>
#include <string>
#include <unistd.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/kernel/BlockDevice.h>
#include <vectra/kernel/Executor.h>
#include <vectra/platform/hosted/Disks.h>

using namespace vectra;
using namespace vectra::test;

namespace {

template<typename T>
ErrorCode code_of(ErrorOr<T> const& result)
{
    return result.is_error() ? result.error().code() : ErrorCode::None;
}

}

TEST_CASE("a Task holding a disk reads its geometry, reads and writes blocks through a MemCap and flushes")
{
    HostFile file;
    Supervisor supervisor;
    auto result = supervisor.run(RightRead | RightWrite, [](Bundle& bundle) -> ErrorOr<i32> {
        auto disk = TRY(bundle.take<DeviceCap>("disk"));
        auto info = TRY(system::disk_info(disk));
        if (info.block_size != 512 || info.block_count != disk_blocks || info.read_only)
            return 1;
        auto memory = TRY(system::create_memory(TRY(bundle.take<ReticleCap>("memory")), 4096));
        auto bytes = TRY(system::map_memory(memory));
        std::memset(bytes.data(), 0, bytes.size());
        TRY(system::disk_read(disk, memory, 512, 10, 3)); /* blocks 10-12 at byte 512 */
        if (bytes[0] != 0 || bytes[512] != 10 || bytes[1023] != 10 || bytes[1024] != 11 || bytes[2047] != 12 || bytes[2048] != 0)
            return 2;
        std::memset(bytes.data(), 0xAB, 1024);
        TRY(system::disk_write(disk, memory, 0, 63, 1)); /* the last block */
        TRY(system::disk_flush(disk));
        return 0;
    });
    REQUIRE(result.value() == 0);
    REQUIRE(file.byte_at(63 * 512) == 0xAB);
    REQUIRE(file.byte_at(63 * 512 + 511) == 0xAB);
    REQUIRE(file.byte_at(62 * 512) == 62);
}

TEST_CASE("every range reaching past the disk or the memory is refused and moves nothing")
{
    HostFile file;
    Supervisor supervisor;
    auto result = supervisor.run(RightRead | RightWrite, [](Bundle& bundle) -> ErrorOr<i32> {
        auto disk = TRY(bundle.take<DeviceCap>("disk"));
        auto memory = TRY(system::create_memory(TRY(bundle.take<ReticleCap>("memory")), 4096));
        auto bytes = TRY(system::map_memory(memory));
        std::memset(bytes.data(), 0xEE, bytes.size());
        struct Case {
            u64 offset;
            u64 first;
            u32 count;
        } cases[] = {
            { 0, 64, 1 },             /* one past the last block */
            { 0, 63, 2 },             /* crossing the end */
            { 0, ~u64(0), 2 },        /* wrapping around */
            { 0, 0, 0 },              /* nothing */
            { 3584, 0, 2 },           /* the memory ends after one block */
            { 4096, 0, 1 },           /* at the memory's end */
            { (u64(1) << 48) - 1, 0, 1 },
        };
        i32 index = 10;
        for (auto const& each : cases) {
            ++index;
            if (code_of(system::disk_read(disk, memory, each.offset, each.first, each.count)) != ErrorCode::InvalidArgument)
                return index;
            if (code_of(system::disk_write(disk, memory, each.offset, each.first, each.count)) != ErrorCode::InvalidArgument)
                return 100 + index;
        }
        if (code_of(system::disk_read(disk, memory, u64(1) << 48, 0, 1)) != ErrorCode::InvalidArgument)
            return 3; /* refused before the frame: the offset does not fit its 48 bits */
        for (u8 byte : bytes) {
            if (byte != 0xEE)
                return 4;
        }
        return 0;
    });
    REQUIRE(result.value() == 0);
    for (u64 block = 0; block < disk_blocks; ++block)
        REQUIRE(file.byte_at(block * 512) == u8(block));
}

TEST_CASE("each call needs its right, on the disk and on the memory")
{
    HostFile file;
    Supervisor supervisor;
    SECTION("a read-only DeviceCap reads but never writes or flushes")
    {
        auto result = supervisor.run(RightRead, [](Bundle& bundle) -> ErrorOr<i32> {
            auto disk = TRY(bundle.take<DeviceCap>("disk"));
            auto memory = TRY(system::create_memory(TRY(bundle.take<ReticleCap>("memory")), 4096));
            TRY(system::disk_read(disk, memory, 0, 0, 1));
            if (code_of(system::disk_write(disk, memory, 0, 0, 1)) != ErrorCode::MissingRight)
                return 1;
            if (code_of(system::disk_flush(disk)) != ErrorCode::MissingRight)
                return 2;
            return 0;
        });
        REQUIRE(result.value() == 0);
    }
    SECTION("reading into memory held read-only is refused")
    {
        auto result = supervisor.run(RightRead | RightWrite, [](Bundle& bundle) -> ErrorOr<i32> {
            auto disk = TRY(bundle.take<DeviceCap>("disk"));
            auto writable = TRY(system::create_memory(TRY(bundle.take<ReticleCap>("memory")), 4096));
            std::memset(TRY(system::map_memory(writable)).data(), 0, 4096);
            auto memory = TRY(system::attenuate(writable, RightRead | RightGrant));
            if (code_of(system::disk_read(disk, memory, 0, 0, 1)) != ErrorCode::MissingRight)
                return 1;
            TRY(system::disk_write(disk, memory, 0, 0, 1)); /* reading the memory is all a write needs */
            return 0;
        });
        REQUIRE(result.value() == 0);
        REQUIRE(file.byte_at(0) == 0);
    }
    SECTION("a write-only DeviceCap neither reads nor tells the geometry")
    {
        auto result = supervisor.run(RightWrite, [](Bundle& bundle) -> ErrorOr<i32> {
            auto disk = TRY(bundle.take<DeviceCap>("disk"));
            auto memory = TRY(system::create_memory(TRY(bundle.take<ReticleCap>("memory")), 4096));
            if (code_of(system::disk_info(disk)) != ErrorCode::MissingRight)
                return 1;
            if (code_of(system::disk_read(disk, memory, 0, 0, 1)) != ErrorCode::MissingRight)
                return 2;
            return 0;
        });
        REQUIRE(result.value() == 0);
    }
}

TEST_CASE("the console is not a disk, and a Task without the disk cannot name it")
{
    HostFile file;
    Supervisor supervisor;
    static RawHandle s_disk;
    s_disk = { supervisor.disk.space(), supervisor.disk.slot(), supervisor.disk.generation() };
    auto result = supervisor.run(0, [](Bundle& bundle) -> ErrorOr<i32> {
        auto console = TRY(bundle.take<ConsoleCap>("console"));
        auto memory = TRY(system::create_memory(TRY(bundle.take<ReticleCap>("memory")), 4096));
        if (code_of(system::disk_info(console)) != ErrorCode::WrongClass)
            return 1;
        if (code_of(system::disk_read(console, memory, 0, 0, 1)) != ErrorCode::WrongClass)
            return 2;
        DeviceCap stolen(s_disk.space, s_disk.slot, s_disk.generation);
        if (code_of(system::disk_read(stolen, memory, 0, 0, 1)) != ErrorCode::ForeignHandle)
            return 3;
        if (code_of(system::disk_write(stolen, memory, 0, 0, 1)) != ErrorCode::ForeignHandle)
            return 4;
        return 0;
    });
    REQUIRE(result.value() == 0);
}

TEST_CASE("files that are not whole blocks, missing files and a fifth disk are refused before boot")
{
    platform::hosted::detach_disks();
    REQUIRE(platform::hosted::attach_disk("/nonexistent/disk.img").error().code() == ErrorCode::NotFound);
    char name[] = "/tmp/vectra-odd-XXXXXX";
    int descriptor = ::mkstemp(name);
    REQUIRE(::write(descriptor, "odd", 3) == 3);
    ::close(descriptor);
    REQUIRE(platform::hosted::attach_disk(name).error().code() == ErrorCode::InvalidArgument);
    REQUIRE(platform::disk_count() == 0);
    ::unlink(name);
    HostFile file;
    for (int index = 0; index < 3; ++index)
        REQUIRE_FALSE(platform::hosted::attach_disk(file.path.c_str()).is_error());
    REQUIRE(platform::disk_count() == 4);
    REQUIRE(platform::hosted::attach_disk(file.path.c_str()).error().code() == ErrorCode::Full);
}
