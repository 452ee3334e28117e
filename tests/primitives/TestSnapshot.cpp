/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The debug snapshot (vectra/kernel/Snapshot.h) holds the executor's own bookkeeping: each
 * listed Task's name, id, state, band, time, Reticle bytes, capabilities by class and the depth
 * of the Ring ends it bound, between generations that agree.
 */

#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <vector>
#include <vectra/Try.h>
#include <vectra/config.h>
#include <vectra/Ring.h>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/Ring.h>
#include <vectra/kernel/Snapshot.h>
#include <vectra/platform/Platform.h>

using namespace vectra;

namespace {

constexpr u64 schema = schema_id_of("schema snapshot-test version 1\n");
std::vector<u8> s_copy;

template<typename T>
T read(usize offset)
{
    T value;
    std::memcpy(&value, s_copy.data() + offset, sizeof(T));
    return value;
}

/* The record of the Task named `name` in the copy, or -1. */
long record_of(std::string const& name)
{
    u32 recorded = read<u32>(40);
    for (u32 index = 0; index < recorded; ++index) {
        usize at = snapshot::header_bytes + index * snapshot::record_bytes;
        if (name == reinterpret_cast<char const*>(s_copy.data() + at))
            return long(at);
    }
    return -1;
}

ErrorOr<i32> idler(Bundle&)
{
    (void)wait(SignalBit(9).mask()); /* never raised: it is still waiting when the table is copied */
    return 0;
}

ErrorOr<i32> sender(Bundle& bundle)
{
    auto ring = TRY(bundle.take<RingCap>("out"));
    /* Through the kernel call, as components bind: the binding lands in the Task's table. */
    auto end = TRY(RingSender::bind(ring, schema, SignalBit(1)));
    u32 value = 7;
    for (int message = 0; message < 3; ++message)
        TRY(end.try_send({ reinterpret_cast<u8 const*>(&value), sizeof(value) }));
    /* Let the idler (Network band) run up to its wait: it gets a turn within 8 Person turns. */
    for (u32 turn = 0; turn <= Executor::network_starvation_bound; ++turn)
        Executor::current().yield();
    snapshot::write(Executor::current(), platform::monotonic_nanoseconds());
    s_copy.assign(snapshot::table(), snapshot::table() + snapshot::table_bytes());
    return 0;
}

}

TEST_CASE("the snapshot records every listed Task from the executor's own bookkeeping")
{
    REQUIRE(snapshot::table_bytes() == snapshot::header_bytes + CONFIG_DEBUG_SNAPSHOT_TASKS * snapshot::record_bytes + 8);
    test::Arena arena(1 * MiB);
    test::Arena idler_memory(256 * KiB);
    auto& executor = Executor::current();
    CapabilitySpace parent(allocate_space_id());
    Ring* ring = Ring::try_create(arena.reticle(), 4, 32, schema).value();
    auto original = parent.mint<CapabilityClass::Ring>(ring, all_rights).release_value();
    Task* waiting = executor.spawn(idler_memory.reticle(), { .name = "idler", .entry = idler, .band = Band::Network }).value();
    Task* sending = executor.spawn(arena.reticle(), { "sender", sender }).value();
    REQUIRE_FALSE(sending->bundle().grant("out", parent, original, RightSend).is_error());
    REQUIRE(executor.run_until_exit(*sending).value() == 0);

    REQUIRE(std::memcmp(s_copy.data() + 8, snapshot::magic, 8) == 0);
    REQUIRE(read<u32>(16) == snapshot::version);
    REQUIRE(read<u32>(20) == snapshot::record_bytes);
    u64 generation = read<u64>(0);
    REQUIRE(generation != 0);
    REQUIRE(read<u64>(s_copy.size() - 8) == generation);
    REQUIRE(read<u32>(48) == read<u32>(40)); /* every listed Task recorded */

    long at = record_of("sender");
    REQUIRE(at >= 0);
    CHECK(read<u32>(at + 32) == sending->capabilities().id());
    CHECK(read<u8>(at + 36) == u8(TaskState::Runnable));
    CHECK(read<u8>(at + 37) == u8(Band::Person));
    CHECK(read<u8>(at + 38) == 0);
    CHECK(read<u64>(at + 48) == sending->switches());
    CHECK(read<u64>(at + 56) == arena.reticle().used());
    CHECK(read<u64>(at + 64) == arena.reticle().size());
    CHECK(read<u32>(at + 72) == 1); /* the RingCap it took from its Bundle */
    CHECK(read<u16>(at + 76 + 2 * u8(CapabilityClass::Ring)) == 1);
    REQUIRE(read<u8>(at + 39) == 1);
    CHECK(read<u8>(at + snapshot::ring_ends_offset) == 1);      /* a send end */
    CHECK(read<u32>(at + snapshot::ring_ends_offset + 4) == 3); /* three messages in the Ring */
    CHECK(read<u32>(at + snapshot::ring_ends_offset + 8) == 4); /* of four slots */

    long idle = record_of("idler");
    REQUIRE(idle >= 0);
    CHECK(read<u8>(idle + 36) == u8(TaskState::Waiting));
    CHECK(read<u8>(idle + 37) == u8(Band::Network));
    CHECK(read<u32>(idle + 72) == 0);
    CHECK(read<u8>(idle + 39) == 0);
    CHECK(read<u64>(idle + 64) == idler_memory.reticle().size());
    /* It ran once, up to its wait: its stretch is counted. */
    CHECK(read<u64>(idle + 40) == waiting->time_used());
    CHECK(waiting->time_used() > 0);

    REQUIRE(executor.run_until_exit(*sending).value() == 0);
    waiting->signals().raise(SignalBit(9));
    REQUIRE(executor.run_until_exit(*waiting).value() == 0);
    while (Task* task = executor.tasks())
        REQUIRE_FALSE(executor.reap(*task).is_error());
}
