/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A client Task for SQLite host tests: it starts SQLite on 1 MiB of its own memory, opens a vfsd
 * session, makes components/sqlite's Vfs over it and runs the test's scenario; a failed scenario
 * ends the Task with status 1 and its error in test::task_failure().
 */

#pragma once

#include "../core/FsTestTasks.h"
#include <string>
#include <vectra/Bundle.h>
#include <vectra/System.h>
#include <vectra/SystemClock.h>
#include <vectra/Try.h>
#include <vectra/fs/Client.h>
#include <vectra/sqlite/Sqlite.h>

namespace vectra::test {

/* What each client Task runs once SQLite is started and a vfsd session is open. */
using SqliteScenario = ErrorOr<void> (*)(vfs::Client&, sqlite::Vfs&, sqlite::Engine&);

inline SqliteScenario& sqlite_scenario()
{
    static SqliteScenario current = nullptr;
    return current;
}

inline ErrorOr<i32> sqlite_client(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto engine = TRY(sqlite::Engine::start(memory, 1 * MiB));
    auto fs = TRY(vfs::Client::open(TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies")),
        TRY(system::carve(memory, 128 * KiB)), 32 * KiB));
    MonotonicClock monotonic = system_monotonic_clock();
    WallClock clock(monotonic);
    sqlite::Vfs vfs(fs, clock);
    auto result = sqlite_scenario()(fs, vfs, engine);
    if (result.is_error()) {
        task_failure() = std::string(result.error().name()) + ": " + (result.error().message() ?: "");
        return 1;
    }
    return 0;
}

/* Runs `scenario` in a SQLite client Task against the service Task `server` (run_server_and_client). */
inline void run_sqlite_scenario(TaskEntry server, SqliteScenario scenario,
    ServerAndClientSizes sizes = { 16 * MiB, 2 * MiB, 4 * MiB, 128 * KiB, 256 * KiB })
{
    sqlite_scenario() = scenario;
    (void)run_server_and_client(server, sqlite_client, sizes);
}

inline ErrorOr<void> expect(bool condition, char const* what)
{
    if (!condition)
        return Error(ErrorCode::InvalidArgument, what);
    return {};
}

inline ErrorOr<void> integrity_ok(sqlite::Database& database)
{
    return expect(TRY(database.query_text("PRAGMA integrity_check")).view() == "ok", "integrity_check is not ok");
}

}
