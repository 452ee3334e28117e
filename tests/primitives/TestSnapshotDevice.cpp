/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The debug snapshot as a capability (vectra/kernel/SnapshotDevice.h, ADR 0045), through kernel
 * calls from a Task: the holder learns the table's size and copies the whole table, whose header
 * and trailer generations agree and which names the Task itself. As an attacker: a Task not granted
 * it guessing handles, the console's DeviceCap and a Reticle in its place, a copy without
 * RightRead, a write right asked for (never given: the kernel mints none), the capability used
 * where a writable device is wanted, a buffer too small, a revoked copy and a removed handle.
 */

#include "../TestSupport.h"
#include "DeviceTestTask.h"
#include <catch2/catch.hpp>
#include <cstring>
#include <vector>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/kernel/Entropy.h>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/Snapshot.h>
#include <vectra/kernel/SnapshotDevice.h>

using namespace vectra;

namespace {

template<typename T>
ErrorCode code_of(ErrorOr<T> const& result)
{
    return result.is_error() ? result.error().code() : ErrorCode::None;
}

u64 u64_at(u8 const* bytes)
{
    u64 value;
    std::memcpy(&value, bytes, sizeof(value));
    return value;
}

struct Machine {
    test::Arena arena { 512 * KiB };
    bool grant_snapshot { true };

    auto fill()
    {
        return [this](Task& task) {
            auto& space = task.capabilities();
            if (grant_snapshot) {
                auto* snapshot = MUST(arena.reticle().try_create<SnapshotDevice>(&arena.reticle()));
                MUST(task.bundle().give("snapshot", space,
                    MUST(space.mint<CapabilityClass::Device>(snapshot, RightRead | RightGrant | RightRevoke))));
            }
            test::give_console_and_memory(task, arena.reticle());
        };
    }
};

std::vector<u8> s_copy;

}

TEST_CASE("the snapshot's holder copies the whole table: generations agree and it names the Task")
{
    REQUIRE(snapshot::table_bytes() > 0);
    snapshot::write(Executor::current(), 1);
    Machine machine;
    auto result = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto snapshot = TRY(bundle.take<DeviceCap>("snapshot"));
        usize size = TRY(system::snapshot_size(snapshot));
        if (size != snapshot::table_bytes())
            return 1;
        /* The Task's own switch in wrote the table: a fresh copy. */
        snapshot::write(Executor::current(), 2);
        s_copy.assign(size, 0);
        if (TRY(system::snapshot_read(snapshot, s_copy)) != size)
            return 2;
        return 0;
    });
    INFO((result.is_error() ? result.error().message() : ""));
    REQUIRE(result.value() == 0);
    REQUIRE(std::memcmp(s_copy.data() + 8, snapshot::magic, 8) == 0);
    u64 header = u64_at(s_copy.data());
    u64 trailer = u64_at(s_copy.data() + s_copy.size() - 8);
    CHECK(header != 0);
    CHECK(header == trailer);
    u32 recorded;
    std::memcpy(&recorded, s_copy.data() + 40, 4);
    bool named = false;
    for (u32 index = 0; index < recorded; ++index)
        named |= std::strncmp(reinterpret_cast<char const*>(s_copy.data() + snapshot::header_bytes + index * snapshot::record_bytes),
                     "test-task", 32) == 0;
    CHECK(named);
}

TEST_CASE("reading the snapshot without it: another device, a Reticle, no read right, too small, revoked, stale")
{
    Machine machine;
    auto result = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto snapshot = TRY(bundle.take<DeviceCap>("snapshot"));
        auto console = TRY(bundle.take<ConsoleCap>("console"));
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        std::vector<u8> buffer(snapshot::table_bytes());
        DeviceCap console_device(console.space(), console.slot(), console.generation());
        if (code_of(system::snapshot_read(console_device, buffer)) != ErrorCode::WrongClass)
            return 1;
        DeviceCap reticle(memory.space(), memory.slot(), memory.generation());
        if (code_of(system::snapshot_size(reticle)) != ErrorCode::WrongClass)
            return 2;
        auto without_read = TRY(system::attenuate(snapshot, RightGrant));
        if (code_of(system::snapshot_read(without_read, buffer)) != ErrorCode::MissingRight)
            return 3;
        if (code_of(system::snapshot_size(without_read)) != ErrorCode::MissingRight)
            return 4;
        std::span<u8> short_buffer(buffer.data(), buffer.size() - 1);
        if (code_of(system::snapshot_read(snapshot, short_buffer)) != ErrorCode::TooLarge)
            return 5;
        auto copy = TRY(system::attenuate(snapshot, RightRead));
        DeviceCap kept_copy(copy.space(), copy.slot(), copy.generation());
        TRY(system::revoke(snapshot));
        if (code_of(system::snapshot_read(kept_copy, buffer)) == ErrorCode::None)
            return 6;
        DeviceCap kept(snapshot.space(), snapshot.slot(), snapshot.generation());
        TRY(system::remove(std::move(snapshot)));
        if (code_of(system::snapshot_read(kept, buffer)) != ErrorCode::StaleHandle)
            return 7;
        return 0;
    });
    INFO((result.is_error() ? result.error().message() : ""));
    REQUIRE(!result.is_error());
    CHECK(result.value() == 0);
}

TEST_CASE("the snapshot's holder cannot gain a write right nor use it as a writable device")
{
    Machine machine;
    auto result = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto snapshot = TRY(bundle.take<DeviceCap>("snapshot"));
        /* Attenuation only takes rights away: write, asked for, is refused. */
        if (code_of(system::attenuate(snapshot, RightRead | RightWrite)) != ErrorCode::MissingRight)
            return 1;
        if (code_of(system::attenuate(snapshot, RightWrite)) != ErrorCode::MissingRight)
            return 2;
        /* Where a device is written (the entropy pool's feed, the console), the snapshot is no such device. */
        u8 bytes[32] {};
        if (code_of(system::entropy_feed(snapshot, bytes, 32)) != ErrorCode::WrongClass)
            return 3;
        ConsoleCap as_console(snapshot.space(), snapshot.slot(), snapshot.generation());
        if (code_of(system::console_write(as_console, "written")) == ErrorCode::None)
            return 4;
        return 0;
    });
    INFO((result.is_error() ? result.error().message() : ""));
    REQUIRE(!result.is_error());
    CHECK(result.value() == 0);
}

TEST_CASE("a Task not granted the snapshot has nothing that reads it")
{
    Machine machine;
    machine.grant_snapshot = false;
    auto result = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        if (!bundle.take<DeviceCap>("snapshot").is_error())
            return 1;
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        std::vector<u8> buffer(snapshot::table_bytes());
        for (u16 slot = 0; slot < 64; ++slot) {
            for (u16 generation = 0; generation < 4; ++generation) {
                DeviceCap guessed(memory.space(), slot, generation);
                if (code_of(system::snapshot_read(guessed, buffer)) == ErrorCode::None)
                    return 2;
                if (code_of(system::snapshot_size(guessed)) == ErrorCode::None)
                    return 3;
            }
        }
        return 0;
    });
    CHECK(result.value() == 0);
}
