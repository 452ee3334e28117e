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
#include <cstdio>
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
    /* A 64-block cache, as the images' store mounts have one (ADR 0023's amendment of 2026-12-06). */
    test::StoreMemory memory { 256, 8192, disk_bytes / store::block_size, 512 * KiB, 64 };
    std::vector<u8> at_commit; /* the disk as a power cut right after COMMIT returned would leave it */
    vfs::StoreBackend* backend { nullptr }; /* the server's, for its store's commit counters */
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
    disk().backend = data;
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

/*
 * What a COMMIT costs the store (ADR 0023's amendment "the commit per sync"): single-row
 * transactions, as speedtest1's INSERT tests make them, into an indexed table that grows past a
 * few hundred KiB and through WAL checkpoints. Each COMMIT is one xSync, so one store commit; each writes the
 * whole catalog, which for a database and its WAL is one block however much the database grew, and its WAL frames are
 * in the store's cache, so it takes one flush (a checkpoint's commit may add more blocks than the cache holds: two).
 */
constexpr int single_row_commits = 400;

ErrorOr<void> commit_one_row_at_a_time(vfs::Client&, sqlite::Vfs& vfs, sqlite::Engine&)
{
    auto database = TRY(Database::open(vfs, "/data/rows.db"));
    TRY(database.execute("PRAGMA cache_size=32"));
    TRY(database.execute("PRAGMA wal_autocheckpoint=64"));
    TRY(database.execute("CREATE TABLE rows(id INTEGER PRIMARY KEY, body TEXT)"));
    TRY(database.execute("CREATE INDEX rows_body ON rows(body)"));
    auto before = disk().backend->report();
    for (int row = 0; row < single_row_commits; ++row) {
        std::string insert = "INSERT INTO rows VALUES(" + std::to_string(row) + ", printf('%08d', "
            + std::to_string((row * 7919) % 100003) + ") || hex(randomblob(250)))";
        TRY(database.execute(insert.c_str()));
    }
    auto after = disk().backend->report();
    u64 commits = after.commits - before.commits;
    u64 blocks = after.catalog_blocks_written - before.catalog_blocks_written;
    printf("store commits for %d single-row COMMITs: %llu, catalog blocks written %llu (catalog now %llu bytes, "
           "%llu extents)\n",
        single_row_commits, static_cast<unsigned long long>(commits), static_cast<unsigned long long>(blocks),
        static_cast<unsigned long long>(after.catalog_bytes), static_cast<unsigned long long>(after.extents));
    u64 flushes = after.flushes - before.flushes;
    u64 single = after.single_flush_commits - before.single_flush_commits;
    printf("flushes %llu (%llu single-flush commits); device writes %llu, reads %llu\n",
        static_cast<unsigned long long>(flushes), static_cast<unsigned long long>(single),
        static_cast<unsigned long long>(after.device_writes - before.device_writes),
        static_cast<unsigned long long>(after.device_reads - before.device_reads));
    TRY(expect(commits >= u64(single_row_commits), "a COMMIT returned without a store commit"));
    TRY(expect(flushes == 2 * commits - single, "a commit flushed other than once (single) or twice"));
    TRY(expect(single >= u64(single_row_commits), "a one-row COMMIT, its WAL frames in the cache, took two flushes"));
    TRY(expect(blocks == commits, "a commit wrote more than the one block the catalog of a database and its WAL is"));
    TRY(expect(TRY(database.query_integer("SELECT count(*) FROM rows")) == single_row_commits, "rows are missing"));
    return {};
}

}

TEST_CASE("each COMMIT of a database on a store mount is one store commit writing a one-block catalog, with one flush",
    "[sqlite]")
{
    disk().device.reset_to(std::vector<u8>(disk_bytes, 0));
    run_scenario(commit_one_row_at_a_time);
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
