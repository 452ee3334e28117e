/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * files-check's SQLite database on /data (the crash-safe store, ADR 0023) across boots. Each boot
 * opens /data/notes.db through components/sqlite (WAL, exclusive locking, its heap retyped from
 * the Task's memory) and first checks what the earlier boots left: every row they committed,
 * none they rolled back or left uncommitted, integrity_check ok. Then it commits three
 * transactions of ten rows, rolls one back, and starts a transaction of 200 rows that outgrows a
 * small page cache, so SQLite spills its pages into the WAL as frames with no commit mark; /data
 * is synced (a store commit), so those frames are on the disk. The connection is then left as a
 * power cut leaves it — never committed, rolled back, checkpointed or closed — and the next boot
 * must find none of its rows.
 */

#include "Notes.h"
#include <new>
#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/SystemClock.h>
#include <vectra/Try.h>
#include <vectra/sqlite/Sqlite.h>

namespace vectra::files_check {

namespace {

using sqlite::Database;

constexpr usize heap_bytes = 768 * KiB;
constexpr char const* database_path = "/data/notes.db";
constexpr i64 rows_per_transaction = 10;
constexpr i64 committed_transactions = 3;
constexpr i64 committed_per_boot = rows_per_transaction * committed_transactions;
constexpr i64 rolled_back_first = 100; /* row numbers of the rolled-back transaction */
constexpr i64 uncommitted_first = 1000; /* ... and of the one left open at power-off */
constexpr i64 uncommitted_rows = 200;

/* What power-off leaves open: the engine and the connection are never ended (no rollback, checkpoint or close). */
struct LeftOpen {
    sqlite::Engine engine;
    Database database;
};
alignas(LeftOpen) u8 left_open[sizeof(LeftOpen)];

ErrorOr<void> expect(bool holds, char const* what)
{
    if (!holds)
        return Error(ErrorCode::InvalidArgument, what);
    return {};
}

/* Rows `first`.. of `boot`, each body "boot B note N " and `padding` bytes shown in hex. */
ErrorOr<void> insert_rows(Database& database, i64 boot, i64 first, i64 count, i64 padding)
{
    auto insert = TRY(database.prepare("INSERT INTO notes(boot, number, body) "
                                       "VALUES (?1, ?2, printf('boot %d note %d ', ?1, ?2) || hex(zeroblob(?3)))"));
    for (i64 number = first; number < first + count; ++number) {
        TRY(insert.bind(1, boot));
        TRY(insert.bind(2, number));
        TRY(insert.bind(3, padding));
        TRY(expect(!TRY(insert.step()), "an INSERT returned a row"));
        TRY(insert.reset());
    }
    return {};
}

/* The count `sql` answers with ?1 bound to `boot`. */
ErrorOr<i64> count_of(Database& database, char const* sql, i64 boot)
{
    auto query = TRY(database.prepare(sql));
    TRY(query.bind(1, boot));
    TRY(expect(TRY(query.step()), "a count returned no row"));
    return query.column_integer(0);
}

ErrorOr<void> integrity_ok(Database& database)
{
    return expect(TRY(database.query_text("PRAGMA integrity_check")).view() == "ok", "PRAGMA integrity_check is not ok");
}

ErrorOr<Path> data_path(std::string_view name) { return TRY(Path::root().try_join("data")).try_join(name); }

/* The WAL's size on /data (0 when there is none). */
ErrorOr<u64> wal_bytes(vfs::Client& fs)
{
    auto status = fs.stat(TRY(data_path("notes.db-wal")));
    if (status.is_error() && status.error().is(ErrorCode::NotFound))
        return 0;
    return TRY(std::move(status)).size;
}

/* What the earlier boots left: their committed rows, every byte, and nothing else. */
ErrorOr<void> check_earlier(ConsoleCap const& console, Database& database, u64 boot)
{
    i64 current = static_cast<i64>(boot);
    TRY(integrity_ok(database));
    i64 earlier = TRY(count_of(database, "SELECT count(*) FROM notes WHERE boot < ?1", current));
    TRY(expect(earlier == committed_per_boot * (current - 1), "the earlier boots' committed rows are not all there"));
    TRY(expect(TRY(count_of(database, "SELECT count(*) FROM notes WHERE number >= 100 OR boot >= ?1", current)) == 0,
        "a rolled-back or uncommitted row is there"));
    TRY(expect(TRY(count_of(database,
                   "SELECT count(*) FROM notes WHERE boot < ?1 "
                   "AND body != printf('boot %d note %d ', boot, number) || hex(zeroblob(64))",
                   current)) == 0,
        "a committed row holds other bytes"));
    TRY(print_line(console, "files-check: boot {}: /data/notes.db after boot {}'s power-off: its {} committed rows there, "
                            "every byte; no rolled-back or uncommitted row; integrity_check ok",
        boot, boot - 1, earlier));
    return {};
}

}

ErrorOr<void> check_notes(ConsoleCap const& console, vfs::Client& fs, ReticleCap const& memory, u64 boot)
{
    i64 current = static_cast<i64>(boot);
    auto engine = TRY(sqlite::Engine::start(memory, heap_bytes));
    MonotonicClock monotonic = system_monotonic_clock();
    WallClock clock(monotonic);
    sqlite::Vfs vfs(fs, clock);
    bool exists = !fs.stat(TRY(data_path("notes.db"))).is_error();
    TRY(expect(exists == (boot > 1), boot > 1 ? "/data/notes.db is missing" : "/data/notes.db exists at the first boot"));

    auto database = TRY(Database::open(vfs, database_path));
    TRY(database.execute("PRAGMA cache_size=64"));
    if (boot == 1)
        TRY(database.execute("CREATE TABLE notes(boot INTEGER NOT NULL, number INTEGER NOT NULL, body TEXT NOT NULL, "
                             "PRIMARY KEY(boot, number))"));
    else
        TRY(check_earlier(console, database, boot));

    for (i64 transaction = 0; transaction < committed_transactions; ++transaction) {
        TRY(database.execute("BEGIN"));
        TRY(insert_rows(database, current, transaction * rows_per_transaction, rows_per_transaction, 64));
        TRY(database.execute("COMMIT"));
    }
    TRY(database.execute("BEGIN"));
    TRY(insert_rows(database, current, rolled_back_first, rows_per_transaction, 64));
    TRY(database.execute("ROLLBACK"));
    i64 rows = TRY(database.query_integer("SELECT count(*) FROM notes"));
    TRY(expect(rows == committed_per_boot * current, "the committed rows are not all there"));
    TRY(integrity_ok(database));
    TRY(print_line(console, "files-check: boot {}: /data/notes.db (journal_mode {}, locking_mode {}): committed {} "
                            "transactions of {} rows, rolled one back: {} rows, integrity_check ok",
        boot, TRY(database.query_text("PRAGMA journal_mode")).view(), TRY(database.query_text("PRAGMA locking_mode")).view(),
        committed_transactions, rows_per_transaction, rows));

    /* A transaction larger than the page cache: SQLite spills it into the WAL uncommitted; /data synced puts it on the disk. */
    TRY(database.execute("PRAGMA cache_size=8"));
    u64 before = TRY(wal_bytes(fs));
    TRY(database.execute("BEGIN"));
    TRY(insert_rows(database, current, uncommitted_first, uncommitted_rows, 1024));
    TRY(fs.sync(TRY(data_path("notes.db"))));
    u64 after = TRY(wal_bytes(fs));
    TRY(expect(after > before, "the uncommitted transaction wrote nothing to the WAL"));
    TRY(print_line(console, "files-check: boot {}: left a transaction of {} rows uncommitted at power-off, its pages in "
                            "the WAL on /data, synced (the WAL grew from {} to {} bytes); SQLite's heap high water {} KiB of {}",
        boot, uncommitted_rows, before, after, engine.heap_high_water() / KiB, heap_bytes / KiB));
    new (left_open) LeftOpen { std::move(engine), std::move(database) };
    return {};
}

}
