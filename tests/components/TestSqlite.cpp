/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * components/sqlite against vfsd's real session loop: a client Task starts SQLite on its own
 * memory and opens databases through the VFS over a vfsd session served by another Task.
 */

#include "../TestSupport.h"
#include "../core/FsTestTasks.h"
#include "SqliteClientTask.h"
#include <catch2/catch.hpp>
#include <new>
#include <sqlite3.h>
#include <string>
#include <type_traits>
#include <vector>
#include <vectra/Bundle.h>
#include <vectra/System.h>
#include <vectra/SystemClock.h>
#include <vectra/Try.h>
#include <vectra/fs/Client.h>
#include <vectra/kernel/Executor.h>
#include <vectra/sqlite/Sqlite.h>
#include <vfsd/Server.h>

using namespace vectra;
using sqlite::Database;
using test::expect;
using test::integrity_ok;

namespace {

/* vfsd's size for a test: blocks enough for a few 128 KiB files, or few enough to run out. */
u32& server_blocks()
{
    static u32 blocks = 1024;
    return blocks;
}

/* sync-file requests vfsd answered: what SQLite's xSync sends. */
u32& syncs()
{
    static u32 count = 0;
    return count;
}

/* What SQLite's xRead/xWrite sent: v5's bulk requests, and inline writes of a whole 512-byte body inside a page (a page cut up; a journal header's 512 bytes at a page's start are not). */
struct Transfers {
    u32 bulk_writes { 0 };
    u32 bulk_reads { 0 };
    u32 full_inline { 0 };
};
Transfers& transfers()
{
    static Transfers counts;
    return counts;
}

/* vfsd's session handler, counting sync-file requests and how file bytes travelled. */
struct CountingHandler : vfs::SessionHandler {
    using vfs::SessionHandler::SessionHandler;
    template<typename Request, typename... Capabilities>
        requires requires(vfs::SessionHandler& base, Request const& request, Capabilities&... capabilities) {
            base.handle(request, capabilities...);
        }
    auto handle(Request const& request, Capabilities&... capabilities)
    {
        if constexpr (std::is_same_v<Request, vfs::SyncFile>)
            ++syncs();
        if constexpr (std::is_same_v<Request, vfs::WriteBuffer>)
            ++transfers().bulk_writes;
        if constexpr (std::is_same_v<Request, vfs::ReadBuffer>)
            ++transfers().bulk_reads;
        if constexpr (std::is_same_v<Request, vfs::WriteFile>)
            transfers().full_inline += request.data.size() == vfs::maximum_transfer && request.offset % 4096 != 0;
        return vfs::SessionHandler::handle(request, capabilities...);
    }
};

ErrorOr<i32> server(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto placed = TRY(endpoint::memory(memory, vfs::service_bytes(32, server_blocks())));
    auto service = TRY(vfs::create_service(placed, 32, server_blocks()));
    alignas(CountingHandler) static u8 storage[sizeof(CountingHandler) * vfs::session_limits.sessions];
    auto* handlers = reinterpret_cast<CountingHandler*>(storage);
    for (usize index = 0; index < vfs::session_limits.sessions; ++index)
        new (handlers + index) CountingHandler(*service.router);
    auto* table = TRY(session::Table::listen(*service.sessions, std::move(requests), std::move(replies),
        session::geometry_of<vfs::Protocol>(), vfs::session_limits));
    TRY(session::serve<vfs::Protocol>(*table, handlers));
    return 0;
}

void run_scenario(test::SqliteScenario entry, u32 blocks = 1024)
{
    server_blocks() = blocks;
    test::run_sqlite_scenario(server, entry);
}

ErrorOr<u64> size_of(vfs::Client& fs, char const* name) { return TRY(fs.stat(TRY(Path::root().try_join(name)))).size; }

ErrorOr<void> create_write_close_reopen(vfs::Client& fs, sqlite::Vfs& vfs, sqlite::Engine&)
{
    {
        auto database = TRY(Database::open(vfs, "/test.db"));
        TRY(expect(TRY(database.query_text("PRAGMA journal_mode")).view() == "wal", "not in WAL mode"));
        TRY(expect(
            TRY(database.query_text("PRAGMA locking_mode")).view() == "exclusive", "not in exclusive locking mode"));
        TRY(database.execute("CREATE TABLE t(k INTEGER PRIMARY KEY, v TEXT)"));
        TRY(database.execute("BEGIN"));
        auto insert = TRY(database.prepare("INSERT INTO t(k, v) VALUES (?1, printf('value %d', ?1))"));
        for (i64 key = 1; key <= 200; ++key) {
            TRY(insert.bind(1, key));
            TRY(expect(!TRY(insert.step()), "INSERT returned a row"));
            TRY(insert.reset());
        }
        TRY(database.execute("COMMIT"));
        /* While open, the committed pages are in the WAL file vfsd holds. */
        TRY(expect(TRY(size_of(fs, "test.db-wal")) > 0, "no WAL file while the database is open"));
        TRY(integrity_ok(database));
    }
    /* Closing checkpointed and removed the WAL. */
    TRY(expect(
        fs.stat(TRY(Path::root().try_join("test.db-wal"))).error().is(ErrorCode::NotFound), "the WAL outlived close"));
    TRY(expect(TRY(size_of(fs, "test.db")) >= 2 * 4096, "the checkpoint did not write the database file"));

    auto database = TRY(Database::open(vfs, "/test.db"));
    TRY(expect(TRY(database.query_integer("SELECT count(*) FROM t")) == 200, "rows lost across close"));
    TRY(expect(TRY(database.query_text("SELECT v FROM t WHERE k = 123")).view() == "value 123", "a row changed"));
    TRY(integrity_ok(database));
    return {};
}

ErrorOr<void> rollback_leaves_nothing(vfs::Client& fs, sqlite::Vfs& vfs, sqlite::Engine&)
{
    {
        auto database = TRY(Database::open(vfs, "/r.db"));
        TRY(database.execute("CREATE TABLE t(k INTEGER PRIMARY KEY, v BLOB)"));
        TRY(database.execute("INSERT INTO t VALUES (1, 'kept')"));
        TRY(database.execute("BEGIN"));
        TRY(database.execute("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 300) "
                             "INSERT INTO t SELECT x + 1, randomblob(100) FROM n"));
        TRY(database.execute("DELETE FROM t WHERE k = 1"));
        TRY(expect(
            TRY(database.query_integer("SELECT count(*) FROM t")) == 300, "the transaction does not see its rows"));
        TRY(database.execute("ROLLBACK"));
        TRY(expect(TRY(database.query_integer("SELECT count(*) FROM t")) == 1, "the rollback left rows"));
        TRY(integrity_ok(database));

        /* A transaction never committed — the connection closes in the middle of it — leaves nothing either. */
        TRY(database.execute("BEGIN"));
        TRY(database.execute("INSERT INTO t VALUES (2, 'never committed')"));
    }
    auto database = TRY(Database::open(vfs, "/r.db"));
    TRY(expect(TRY(database.query_integer("SELECT count(*) FROM t")) == 1, "an uncommitted row survived close"));
    TRY(expect(TRY(database.query_text("SELECT v FROM t")).view() == "kept", "the committed row changed"));
    TRY(integrity_ok(database));
    (void)fs;
    return {};
}

ErrorOr<void> vacuum_truncates(vfs::Client& fs, sqlite::Vfs& vfs, sqlite::Engine&)
{
    {
        auto database = TRY(Database::open(vfs, "/v.db"));
        TRY(database.execute("CREATE TABLE t(v BLOB)"));
        TRY(database.execute("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 60) "
                             "INSERT INTO t SELECT zeroblob(1000) FROM n"));
    }
    u64 full = TRY(size_of(fs, "v.db"));
    {
        auto database = TRY(Database::open(vfs, "/v.db"));
        TRY(database.execute("DELETE FROM t"));
        TRY(database.execute("VACUUM"));
    }
    /* The checkpoint after VACUUM truncates the database file through vfsd's truncate-file. */
    u64 vacuumed = TRY(size_of(fs, "v.db"));
    TRY(expect(vacuumed < full && vacuumed <= 2 * 4096, "VACUUM did not shrink the file"));
    auto database = TRY(Database::open(vfs, "/v.db"));
    TRY(expect(TRY(database.query_integer("SELECT count(*) FROM t")) == 0, "rows came back"));
    TRY(integrity_ok(database));
    return {};
}

ErrorOr<void> full_filesystem_refuses_and_keeps(vfs::Client&, sqlite::Vfs& vfs, sqlite::Engine&)
{
    auto database = TRY(Database::open(vfs, "/f.db"));
    TRY(database.execute("CREATE TABLE t(v BLOB)"));
    TRY(database.execute("INSERT INTO t VALUES (x'01')"));
    /* vfsd has 64 blocks (32 KiB) in all: this transaction cannot fit. */
    auto refused = database.execute("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 20) "
                                    "INSERT INTO t SELECT zeroblob(4000) FROM n");
    TRY(expect(
        refused.is_error() && refused.error().is(sqlite::Result::Full), "vfsd's full block table was not SQLITE_FULL"));
    TRY(expect(TRY(database.query_integer("SELECT count(*) FROM t")) == 1, "the refused rows are there"));
    TRY(integrity_ok(database));
    return {};
}

ErrorOr<void> open_refusals(vfs::Client& fs, sqlite::Vfs& vfs, sqlite::Engine& engine)
{
    /* A missing parent directory, a directory, an empty path. */
    TRY(expect(
        Database::open(vfs, "/missing/x.db").error().is(sqlite::Result::CantOpen), "opened under a missing directory"));
    TRY(fs.create_directory(TRY(Path::root().try_join("dir"))));
    TRY(expect(Database::open(vfs, "/dir").error().is(sqlite::Result::CantOpen), "opened a directory"));
    TRY(expect(Database::open(vfs, "").error().is(ErrorCode::InvalidArgument), "opened an empty path"));
    /* A file that is not a database. */
    auto file = TRY(fs.open(TRY(Path::root().try_join("text.db")), vfs::Client::Create::IfMissing));
    TRY(file.write_at(
        0, as_bytes("this is certainly not an SQLite database file, it is only text....................")));
    TRY(file.close());
    TRY(expect(Database::open(vfs, "/text.db").error().is(sqlite::Result::NotADatabase), "opened text as a database"));

    /* SQLite's state is one per copy of the libraries' data: a second start is refused. */
    static u8 second_heap[128 * KiB];
    TRY(expect(sqlite::Engine::start(std::span<u8>(second_heap)).error().is(ErrorCode::Busy), "started SQLite twice"));
    TRY(expect(engine.heap_high_water() > 0 && engine.heap_high_water() <= engine.heap_size(),
        "heap use not within the heap"));
    return {};
}

}

TEST_CASE("a database on vfsd is created, written in a transaction, closed, reopened and checked ok", "[sqlite]")
{
    syncs() = 0;
    transfers() = {};
    run_scenario(create_write_close_reopen);
    /* SQLite's xSync is vfsd's sync-file: a commit and a checkpoint sync. */
    REQUIRE(syncs() > 0);
    /* v5: pages travel whole through the transfer buffer, never cut into 512-byte messages. */
    REQUIRE(transfers().bulk_writes > 0);
    REQUIRE(transfers().bulk_reads > 0);
    REQUIRE(transfers().full_inline == 0);
}

TEST_CASE("a rolled-back or never committed transaction leaves nothing, also after reopening", "[sqlite]")
{
    run_scenario(rollback_leaves_nothing);
}

TEST_CASE("VACUUM shrinks the database file through vfsd's truncate-file", "[sqlite]")
{
    run_scenario(vacuum_truncates);
}

TEST_CASE("a full vfsd is SQLITE_FULL; the transaction is rolled back and the database stays intact", "[sqlite]")
{
    run_scenario(full_filesystem_refuses_and_keeps, 64);
}

TEST_CASE("opening refuses missing directories, directories, empty paths and files that are not databases", "[sqlite]")
{
    run_scenario(open_refusals);
}

TEST_CASE("the engine starts on a heap the caller holds, once at a time, and starts again after it ended", "[sqlite]")
{
    static u8 heap[256 * KiB];
    {
        auto engine = sqlite::Engine::start(std::span<u8>(heap));
        REQUIRE_FALSE(engine.is_error());
        REQUIRE(sqlite::Engine::start(std::span<u8>(heap)).error().is(ErrorCode::Busy));
        /* An in-memory database needs no VFS of a Task: the base VFS serves randomness and time. */
        sqlite3* database = nullptr;
        REQUIRE(sqlite3_open_v2(":memory:", &database, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
        REQUIRE(sqlite3_exec(database, "CREATE TABLE t(v); INSERT INTO t VALUES (randomblob(16)), (julianday('now'))",
                    nullptr, nullptr, nullptr)
            == SQLITE_OK);
        REQUIRE(sqlite3_close(database) == SQLITE_OK);
        /* The base VFS opens no files. */
        REQUIRE(sqlite3_open_v2("/x.db", &database, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr)
            == SQLITE_CANTOPEN);
        sqlite3_close(database);
    }
    REQUIRE(sqlite::Engine::start(std::span<u8>(heap, 32 * KiB)).error().is(ErrorCode::InvalidArgument));
    auto again = sqlite::Engine::start(std::span<u8>(heap));
    REQUIRE_FALSE(again.is_error());
    REQUIRE(sqlite::error_of(SQLITE_IOERR_SHORT_READ).is(sqlite::Result::IoError));
    REQUIRE(std::string(sqlite::error_of(SQLITE_FULL).name()) == "full");
}
