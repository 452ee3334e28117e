/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * SQLite on a `store` mount: a client Task opens a database at /data through components/sqlite's
 * VFS over a real vfsd session, whose server Task has the crash-safe store mounted at /data on a
 * disk in memory. SQLite's xSync is vfsd's sync-file, which is one store commit: the disk's bytes
 * taken the moment COMMIT returns (a power cut then) hold the committed rows, and so does the disk
 * after a clean close; each is mounted again by a new vfsd and checked with integrity_check.
 */

#include "../TestSupport.h"
#include "../components/SqliteClientTask.h"
#include "../components/StoreSupport.h"
#include "../core/FsTestTasks.h"
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>
#include <vectra/Bundle.h>
#include <vectra/System.h>
#include <vectra/SystemClock.h>
#include <vectra/Try.h>
#include <vectra/fs/Client.h>
#include <vectra/sqlite/Sqlite.h>
#include <vfsd/Server.h>
#include <vfsd/StoreBackend.h>

using namespace vectra;
using sqlite::Database;
using test::expect;
using test::integrity_ok;

namespace {

constexpr u64 disk_bytes = 32 * MiB;

struct Disk {
    test::MemoryDevice device { disk_bytes };
    test::StoreMemory memory { 256, 8192, disk_bytes / store::block_size, 512 * KiB };
    std::vector<u8> at_commit; /* the disk as a power cut right after COMMIT returned would leave it */
};

Disk& disk()
{
    static Disk the_disk;
    return the_disk;
}

ErrorOr<i32> server(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto placed = TRY(endpoint::memory(memory, vfs::service_bytes(32, 64)));
    auto service = TRY(vfs::create_service(placed, 32, 64));
    auto placement = TRY(endpoint::memory(memory, sizeof(vfs::StoreBackend)));
    auto* data = TRY(vfs::StoreBackend::try_create(
        placement, disk().device, disk().memory.memory(), vfs::StoreBackend::Format::IfEmpty));
    TRY(service.router->mount(TRY(Path::root().try_join("data")), *data));
    TRY(vfs::serve_sessions(service, std::move(requests), std::move(replies)));
    return 0;
}

void run_scenario(test::SqliteScenario entry) { test::run_sqlite_scenario(server, entry); }

ErrorOr<void> commit_rows(vfs::Client&, sqlite::Vfs& vfs, sqlite::Engine&)
{
    auto database = TRY(Database::open(vfs, "/data/notes.db"));
    TRY(database.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)"));
    TRY(database.execute("BEGIN"));
    TRY(database.execute("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 500) "
                         "INSERT INTO notes SELECT x, printf('note %d ', x) || hex(zeroblob(100)) FROM n"));
    TRY(database.execute("COMMIT"));
    disk().at_commit = disk().device.bytes();
    /* A transaction never committed: no disk may show it. */
    TRY(database.execute("BEGIN"));
    TRY(database.execute("DELETE FROM notes WHERE id > 10"));
    return {};
}

ErrorOr<void> rows_are_there(vfs::Client&, sqlite::Vfs& vfs, sqlite::Engine&)
{
    auto database = TRY(Database::open(vfs, "/data/notes.db"));
    TRY(integrity_ok(database));
    TRY(expect(TRY(database.query_integer("SELECT count(*) FROM notes")) == 500, "committed rows are missing"));
    TRY(expect(TRY(database.query_text("SELECT substr(body, 1, 9) FROM notes WHERE id = 321")).view() == "note 321 ",
        "a committed row changed"));
    return {};
}

}

TEST_CASE("a database on a store mount keeps its committed rows across a power cut and a remount", "[sqlite]")
{
    disk().device.reset_to(std::vector<u8>(disk_bytes, 0));
    run_scenario(commit_rows);
    REQUIRE(disk().at_commit.size() == disk_bytes);
    auto closed = disk().device.bytes();
    SECTION("after a clean close")
    {
        disk().device.reset_to(closed);
        run_scenario(rows_are_there);
    }
    SECTION("cut the moment COMMIT returned")
    {
        disk().device.reset_to(disk().at_commit);
        run_scenario(rows_are_there);
    }
}
