/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The sqlite image's check Task: SQLite on a vfsd session, end to end. It starts the engine on
 * its own memory, opens a database in WAL mode with exclusive locking, commits rows in
 * transactions, rolls one back, queries, checks integrity, shows a transaction that outgrows
 * vfsd's largest file refused (SQLITE_FULL) and rolled back, closes, reopens and checks again.
 * Every line it prints is a fact it checked; images/sqlite/oracle.json matches them.
 */

#include <sqlite3.h>
#include <vectra/System.h>
#include <vectra/SystemClock.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/footprints/sqlite_check.h>
#include <vectra/Service.h>
#include <vectra/sqlite/Sqlite.h>

VECTRA_TASK_ENTRY(sqlite_check);

namespace vectra::task_entries {

namespace {

using sqlite::Database;

constexpr usize heap_bytes = 1 * MiB;
constexpr usize session_bytes = 128 * KiB;
/* Whole SQLite pages in one vfsd request (read-buffer, write-buffer), from the session's memory. */
constexpr usize transfer_bytes = 32 * KiB;
static_assert(vfs::Client::transfer_memory_needed(transfer_bytes) <= session_bytes);
constexpr char const* database_path = "/sqlite/notes.db";
constexpr i64 rows_per_transaction = 10;
constexpr i64 transactions = 3;

ErrorOr<void> expect(bool condition, char const* what)
{
    if (!condition)
        return Error(ErrorCode::InvalidArgument, what);
    return {};
}

ErrorOr<void> insert_rows(Database& database, i64 first, i64 count)
{
    auto insert = TRY(database.prepare("INSERT INTO notes(id, title, body) VALUES (?1, 'note ' || ?1, ?2)"));
    for (i64 id = first; id < first + count; ++id) {
        TRY(insert.bind(1, id));
        TRY(insert.bind(2, std::string_view("written by a Task through vfsd")));
        TRY(expect(!TRY(insert.step()), "an INSERT returned a row"));
        TRY(insert.reset());
    }
    return {};
}

ErrorOr<void> check_integrity(Database& database)
{
    auto verdict = TRY(database.query_text("PRAGMA integrity_check"));
    return expect(verdict.view() == "ok", "PRAGMA integrity_check did not answer ok");
}

ErrorOr<void> run(ConsoleCap const& console, vfs::Client& client, sqlite::Engine& engine)
{
    MonotonicClock monotonic = system_monotonic_clock();
    WallClock clock(monotonic);
    sqlite::Vfs vfs(client, clock);
    Path directory = TRY(Path::root().try_join("sqlite"));
    TRY(client.create_directory(directory));

    auto database = TRY(Database::open(vfs, database_path));
    TRY(print_line(console, "sqlite: opened {}: journal_mode {}, locking_mode {}", database_path,
        TRY(database.query_text("PRAGMA journal_mode")).view(), TRY(database.query_text("PRAGMA locking_mode")).view()));

    TRY(database.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT)"));
    for (i64 transaction = 0; transaction < transactions; ++transaction) {
        TRY(database.execute("BEGIN"));
        TRY(insert_rows(database, 1 + transaction * rows_per_transaction, rows_per_transaction));
        TRY(database.execute("COMMIT"));
        i64 rows = TRY(database.query_integer("SELECT count(*) FROM notes"));
        TRY(expect(rows == (transaction + 1) * rows_per_transaction, "the committed rows are not all there"));
        TRY(print_line(console, "sqlite: transaction {} committed {} rows: {} in the table", transaction + 1,
            rows_per_transaction, rows));
    }

    TRY(database.execute("BEGIN"));
    TRY(insert_rows(database, 100, 5));
    TRY(expect(TRY(database.query_integer("SELECT count(*) FROM notes")) == 35, "the transaction does not see its rows"));
    TRY(database.execute("ROLLBACK"));
    i64 rows = TRY(database.query_integer("SELECT count(*) FROM notes"));
    TRY(expect(rows == 30, "a rolled-back transaction left rows behind"));
    TRY(print_line(console, "sqlite: rolled back a transaction of 5 rows: {} rows remain", rows));

    {
        auto query = TRY(database.prepare("SELECT id, title FROM notes WHERE id IN (1, 17, 30) ORDER BY id"));
        i64 expected_ids[] = { 1, 17, 30 };
        for (i64 expected : expected_ids) {
            TRY(expect(TRY(query.step()), "a row is missing"));
            TRY(expect(query.column_integer(0) == expected, "rows came back in another order"));
            TRY(print_line(console, "sqlite: row {}: \"{}\"", query.column_integer(0), query.column_text(1)));
        }
        TRY(expect(!TRY(query.step()), "more rows than asked for"));
    } /* finalized: a database closes only without live statements */
    i64 total = TRY(database.query_integer("SELECT sum(length(body)) FROM notes"));
    TRY(expect(total == 30 * 30, "the bodies are not what was written"));
    TRY(check_integrity(database));
    TRY(print_line(console, "sqlite: PRAGMA integrity_check ok"));

    /* A transaction larger than vfsd's largest file: the WAL cannot hold it. */
    auto refused = database.execute("INSERT INTO notes(id, title, body) VALUES (1000, 'too large', zeroblob(262144))");
    TRY(expect(refused.is_error() && refused.error().is(sqlite::Result::Full), "vfsd's file limit did not refuse the write"));
    TRY(expect(TRY(database.query_integer("SELECT count(*) FROM notes")) == 30, "the refused write left a row"));
    TRY(check_integrity(database));
    TRY(print_line(console, "sqlite: a 256 KiB row past vfsd's largest file: refused ({}), 30 rows, integrity ok",
        refused.error().name()));

    TRY(database.close());
    auto wal = client.stat(TRY(directory.try_join("notes.db-wal")));
    TRY(expect(wal.is_error() && wal.error().is(ErrorCode::NotFound), "closing left the WAL file"));
    u64 size = TRY(client.stat(TRY(directory.try_join("notes.db")))).size;
    TRY(print_line(console, "sqlite: closed: checkpointed into {} bytes, WAL removed", size));

    auto reopened = TRY(Database::open(vfs, database_path));
    rows = TRY(reopened.query_integer("SELECT count(*) FROM notes"));
    TRY(expect(rows == 30, "the reopened database lost rows"));
    TRY(expect(TRY(reopened.query_text("SELECT title FROM notes WHERE id = 17")).view() == "note 17",
        "the reopened database holds other bytes"));
    TRY(check_integrity(reopened));
    TRY(print_line(console, "sqlite: reopened: {} rows, journal_mode {}, integrity ok", rows,
        TRY(reopened.query_text("PRAGMA journal_mode")).view()));
    TRY(reopened.close());
    TRY(print_line(console, "sqlite: heap high water {} KiB of {} KiB", (engine.heap_high_water() + KiB - 1) / KiB,
        engine.heap_size() / KiB));
    return {};
}

}

ErrorOr<i32> sqlite_check(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::sqlite_check));
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto engine = sqlite::Engine::start(memory, heap_bytes);
    if (engine.is_error()) {
        TRY(print_line(console, "sqlite: FAILED to start: {} ({})", engine.error().name(), engine.error().message()));
        return 1;
    }
    TRY(print_line(console, "sqlite: SQLite {} started, memsys5 heap {} KiB from the Task's Reticle", sqlite3_libversion(),
        heap_bytes / KiB));
    auto client = vfs::Client::open(TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies")),
        TRY(system::carve(memory, session_bytes)), transfer_bytes);
    if (client.is_error()) {
        TRY(print_line(console, "sqlite: FAILED to open a vfsd session: {}", client.error().name()));
        return 1;
    }
    auto result = run(console, client.value(), engine.value());
    if (result.is_error()) {
        TRY(print_line(console, "sqlite: FAILED: {} ({})", result.error().name(), result.error().message()));
        return 1;
    }
    TRY(print_line(console, "sqlite: passed"));
    return 0;
}

}
