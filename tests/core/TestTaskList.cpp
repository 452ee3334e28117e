/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Reading the kernel's debug snapshot (core/snapshot TaskList.h) on the table the host kernel
 * writes: the Tasks as recorded, and every copy it must refuse — torn (the generations differ),
 * never written, another magic or version, counts past the bytes, a name that is not printable,
 * an unknown state.
 */

#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <cstring>
#include <vector>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/Snapshot.h>
#include <vectra/snapshot/TaskList.h>

using namespace vectra;
using namespace vectra::tasks;

namespace {

std::vector<u8> fresh_table()
{
    snapshot::write(Executor::current(), 5'000'000);
    return std::vector<u8>(snapshot::table(), snapshot::table() + snapshot::table_bytes());
}

ErrorCode code_of(std::vector<u8> const& table)
{
    TaskRow rows[8];
    auto parsed = parse_snapshot(table, rows);
    return parsed.is_error() ? parsed.error().code() : ErrorCode::None;
}

ErrorOr<i32> idle_task(Bundle&) { return 0; }

/* A Task alive while the table is written, so it has a record; run and reaped at the end. */
struct Listed {
    test::Arena arena { 1 * MiB };
    Task* task;
    Listed()
    {
        SpawnParameters parameters { "listed-task", idle_task };
        parameters.stack_size = 64 * KiB;
        task = Executor::current().spawn(arena.reticle(), parameters).value();
    }
    ~Listed()
    {
        (void)Executor::current().run_until_exit(*task);
        (void)Executor::current().reap(*task);
    }
};

}

TEST_CASE("a whole copy of the kernel's table gives one row per recorded Task")
{
    Listed listed;
    Task* task = listed.task;
    auto table = fresh_table();
    TaskRow rows[32];
    auto parsed = parse_snapshot(table, rows);
    REQUIRE_FALSE(parsed.is_error());
    REQUIRE(parsed.value().count >= 1);
    REQUIRE(parsed.value().generation != 0);
    bool found = false;
    for (usize index = 0; index < parsed.value().count; ++index) {
        if (rows[index].name.view() == "listed-task") {
            found = true;
            CHECK(rows[index].id == task->capabilities().id());
            CHECK(std::string_view(state_name(rows[index].state)) == "runnable");
            CHECK(std::string_view(band_name(rows[index].band)) == "person");
        }
    }
    CHECK(found);
    /* Fewer rows than Tasks: the rows given are filled, the count says how many the kernel listed. */
    auto few = parse_snapshot(table, std::span<TaskRow>(rows, 1));
    REQUIRE_FALSE(few.is_error());
    CHECK(few.value().count == 1);
}

TEST_CASE("a torn copy is refused as busy: the header's and trailer's generations differ")
{
    auto table = fresh_table();
    REQUIRE(code_of(table) == ErrorCode::None);
    table[table.size() - 8] ^= 1;
    CHECK(code_of(table) == ErrorCode::Busy);
    auto header_changed = fresh_table();
    header_changed[0] ^= 0x80;
    CHECK(code_of(header_changed) == ErrorCode::Busy);
}

TEST_CASE("copies that are not a written snapshot are refused, each with its own error")
{
    Listed listed;
    auto never_written = fresh_table();
    std::memset(never_written.data(), 0, 8);
    std::memset(never_written.data() + never_written.size() - 8, 0, 8);
    CHECK(code_of(never_written) == ErrorCode::Empty);

    auto magic = fresh_table();
    magic[8] = 'X';
    CHECK(code_of(magic) == ErrorCode::MalformedMessage);

    auto version = fresh_table();
    version[16] = 9;
    CHECK(code_of(version) == ErrorCode::Unsupported);

    auto record_size = fresh_table();
    record_size[20] = 1;
    CHECK(code_of(record_size) == ErrorCode::MalformedMessage);

    auto capacity = fresh_table();
    capacity[44] = 0xff;
    capacity[45] = 0xff;
    CHECK(code_of(capacity) == ErrorCode::MalformedMessage);

    auto recorded = fresh_table();
    u32 past = 0xffff;
    std::memcpy(recorded.data() + 40, &past, 4);
    CHECK(code_of(recorded) == ErrorCode::MalformedMessage);

    auto short_copy = fresh_table();
    short_copy.resize(32);
    CHECK(code_of(short_copy) == ErrorCode::MalformedMessage);

    auto truncated = fresh_table();
    truncated.resize(truncated.size() - 100);
    CHECK(code_of(truncated) == ErrorCode::MalformedMessage);

    auto name = fresh_table();
    name[snapshot::header_bytes] = 0x1b;
    CHECK(code_of(name) == ErrorCode::MalformedMessage);

    auto state = fresh_table();
    state[snapshot::header_bytes + 36] = 7;
    CHECK(code_of(state) == ErrorCode::MalformedMessage);
}
