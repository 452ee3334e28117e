/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Power cuts under SQLite (issue 11 item 5, ADR 0023's amendment): a client Task runs SQLite
 * through components/sqlite's VFS over a real vfsd session, whose server Task has the crash-safe
 * store mounted at /data on a memory disk behind components/hostblk's PowerCut (a volatile write
 * cache: at the cut each write since the last flush is kept, dropped or torn at 512 bytes). The
 * workload mixes SQL transactions — inserts, updates and deletes across four tables, some rolled
 * back, with checkpoints and reopenings between them — with plain file work on /data/plain
 * (writes, truncates, removes, renames into place, sync-file, a whole-mount sync). Each trial is
 * cut at a random write request (every other one at a write a sync makes); afterwards a new vfsd
 * mounts the store again, SQLite opens the database, and the harness checks:
 *   - the store mounts and the database opens;
 *   - PRAGMA integrity_check is `ok`;
 *   - the database and /data/plain hold exactly one state a sync could have made durable: every
 *     transaction whose COMMIT returned is there, none that was rolled back or never committed
 *     is, every plain change made before the last returned sync is there (a commit of the store
 *     covers every file), no rename is half done and no file mixes two writes;
 *   - the recovered database takes a new transaction.
 * A second case runs the same harness with sync-file (SQLite's xSync) made a no-op in vfsd and
 * requires violations: the harness can tell a durable COMMIT from one that only looks durable.
 */

#include "../TestSupport.h"
#include "../components/SqliteClientTask.h"
#include "../components/StoreSupport.h"
#include "../core/FsTestTasks.h"
#include <catch2/catch.hpp>
#include <hostblk/PowerCut.h>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>
#include <vectra/Bundle.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/fs/Client.h>
#include <vectra/sqlite/Sqlite.h>
#include <vfsd/Server.h>
#include <vfsd/StoreBackend.h>

using namespace vectra;
using sqlite::Database;
using test::expect;

namespace {

constexpr u64 disk_bytes = 8 * MiB;
constexpr u32 trials = 200;
constexpr char const* database_path = "/data/app.db";
char const* const plain_names[] = { "a", "b", "c", "d" };

/* A state of the database (every row of every table, keyed "table/id") or of /data/plain (name -> bytes). */
using Rows = std::map<std::string, std::string>;
using Files = std::map<std::string, std::string>;

enum class Mutation : u8 {
    None,
    /* vfsd's sync-file answers at once without a store commit: SQLite's xSync made a no-op. */
    SyncFileIgnored,
};

/*
 * What one run of the workload leaves for the check: the states a sync may have made durable,
 * as pairs of (plain-files version, database version).
 */
struct Outcome {
    std::vector<Files> plain_versions;
    std::vector<Rows> database_versions;
    std::set<std::pair<usize, usize>> durable; /* the states the disk may hold after a cut */
    std::set<i64> committed; /* transaction ids whose COMMIT returned */
    std::set<i64> not_committed; /* rolled back, or cut before COMMIT was sent */
    std::set<i64> in_flight; /* COMMIT sent, the cut came before it returned: either way is right */
    u32 steps { 0 };
    u32 transactions { 0 };
    u32 rolled_back { 0 };
    std::string unexpected; /* an error not caused by the cut */
};

/* The harness's shared state: the disk, the injector in front of it, the sync windows seen. */
struct Harness {
    test::MemoryDevice device { disk_bytes };
    std::vector<u8> cache = std::vector<u8>(2 * MiB);
    hostblk::PowerCut power { device, cache };
    /* With a 16-block cache, as the images' store mounts have one: WAL frames and pages stay dirty in it between
     * commits, are written back when it fills and at each commit, and reads read ahead, all inside the cuts. */
    test::StoreMemory memory { 64, 2048, disk_bytes / store::block_size, 128 * KiB, 16 };
    Mutation mutation { Mutation::None };
    std::vector<std::pair<u64, u64>> syncs; /* the write requests each sync made: (before, after] */
    u32 seed { 0 };
    bool cutting { false };
    Outcome outcome; /* of the last workload run */
    Rows found_rows; /* what the check found */
    Files found_files;
    std::string check_failure;
    std::string mount_failure; /* the store refused to mount (the server serves without /data then) */
};

Harness& harness()
{
    static Harness the_harness;
    return the_harness;
}

/* vfsd's store backend as the server mounts it, recording each sync's write requests (and, mutated, ignoring sync-file). */
class WatchedBackend final : public vfs::Backend {
public:
    explicit WatchedBackend(vfs::StoreBackend& store)
        : m_store(store)
    {
    }
    std::string_view kind_name() const override { return m_store.kind_name(); }
    bool read_only() const override { return false; }
    ErrorOr<vfs::NodeStatus> stat(Path const& path) override { return m_store.stat(path); }
    ErrorOr<void> create_directory(Path const& path) override { return m_store.create_directory(path); }
    ErrorOr<void> remove(Path const& path) override { return m_store.remove(path); }
    ErrorOr<void> rename(Path const& from, Path const& to) override { return m_store.rename(from, to); }
    ErrorOr<vfs::BackendPage> list(Path const& directory, u64 cursor, std::span<vfs::BackendEntry> into) override
    {
        return m_store.list(directory, cursor, into);
    }
    ErrorOr<u64> write(Path const& path, u64 offset, std::span<u8 const> from) override
    {
        return m_store.write(path, offset, from);
    }
    ErrorOr<vfs::FileToken> open(Path const& path, bool create) override { return m_store.open(path, create); }
    void close(vfs::FileToken token) override { m_store.close(token); }
    ErrorOr<usize> read(vfs::FileToken token, u64 offset, std::span<u8> into) override
    {
        return m_store.read(token, offset, into);
    }
    ErrorOr<u64> write(vfs::FileToken token, u64 offset, std::span<u8 const> from) override
    {
        return m_store.write(token, offset, from);
    }
    ErrorOr<u64> truncate(vfs::FileToken token, u64 size) override { return m_store.truncate(token, size); }
    ErrorOr<vfs::NodeStatus> stat(vfs::FileToken token) override { return m_store.stat(token); }
    ErrorOr<void> sync(vfs::FileToken token) override
    {
        if (harness().mutation == Mutation::SyncFileIgnored)
            return {};
        return watched([&] { return m_store.sync(token); });
    }
    ErrorOr<void> sync_all() override
    {
        return watched([&] { return m_store.sync_all(); });
    }

private:
    template<typename Sync>
    ErrorOr<void> watched(Sync&& sync)
    {
        u64 before = harness().power.report().writes;
        auto result = sync();
        harness().syncs.emplace_back(before, harness().power.report().writes);
        return result;
    }
    vfs::StoreBackend& m_store;
};

ErrorOr<i32> server(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto placed = TRY(endpoint::memory(memory, vfs::service_bytes(32, 64)));
    auto service = TRY(vfs::create_service(placed, 32, 64));
    auto placement = TRY(endpoint::memory(memory, sizeof(vfs::StoreBackend)));
    auto store = vfs::StoreBackend::try_create(
        placement, harness().power, harness().memory.memory(), vfs::StoreBackend::Format::IfEmpty);
    harness().mount_failure.clear();
    if (store.is_error()) {
        harness().mount_failure = std::string(store.error().name()) + ": " + (store.error().message() ?: "");
        TRY(vfs::serve_sessions(service, std::move(requests), std::move(replies)));
        return 0;
    }
    WatchedBackend watched(*store.value());
    TRY(service.router->mount(TRY(Path::root().try_join("data")), watched));
    TRY(vfs::serve_sessions(service, std::move(requests), std::move(replies)));
    return 0;
}

void run_client(test::SqliteScenario scenario)
{
    /* Little memory: each of the 600 runs pays for the pages it touches. */
    test::run_sqlite_scenario(server, scenario, { 4 * MiB, 1 * MiB, 1536 * KiB, 128 * KiB, 256 * KiB });
}

/* Printable bytes of one write: distinct per seed, so a file mixing two writes shows. */
std::string text_of(usize size, u64 seed)
{
    std::string text(size, ' ');
    u64 state = seed * 0x9E3779B97F4A7C15ull + 7;
    for (auto& byte : text) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        byte = static_cast<char>('a' + (state >> 59) % 26);
    }
    return text;
}

ErrorOr<Path> path_of(std::string_view name)
{
    return TRY(TRY(Path::root().try_join("data")).try_join("plain")).try_join(name);
}

/* Every row of the database, keyed "table/id". */
ErrorOr<Rows> rows_of(Database& database)
{
    Rows rows;
    auto statement = TRY(database.prepare(
        "SELECT 'accounts/' || id, balance FROM accounts UNION ALL "
        "SELECT 'notes/' || id, tag || '|' || body FROM notes UNION ALL "
        "SELECT 'ledger/' || id, source || '>' || target || ':' || amount FROM ledger UNION ALL "
        "SELECT 'transactions/' || id, '' FROM transactions"));
    while (TRY(statement.step()))
        rows[std::string(statement.column_text(0))] = std::string(statement.column_text(1));
    return rows;
}

/* Every file of /data/plain with its bytes. */
ErrorOr<Files> files_of(vfs::Client& fs)
{
    Files files;
    auto directory = TRY(TRY(Path::root().try_join("data")).try_join("plain"));
    u64 cursor = 0;
    for (;;) {
        auto page = TRY(fs.list(directory, cursor));
        for (usize index = 0; index < page.count; ++index) {
            std::string name(page.names[index].view());
            auto path = TRY(directory.try_join(name));
            std::string bytes(TRY(fs.stat(path)).size, '\0');
            for (usize done = 0; done < bytes.size();) {
                usize length = TRY(fs.read(path, done,
                    std::span<u8>(reinterpret_cast<u8*>(bytes.data()) + done,
                        std::min(bytes.size() - done, vfs::maximum_transfer))));
                TRY(expect(length > 0, "a plain file ends before its size"));
                done += length;
            }
            files[name] = bytes;
        }
        if (!page.more)
            break;
        cursor = page.next;
    }
    return files;
}

/*
 * The workload: one seeded sequence of steps; after each, the model records which states a sync
 * could have made durable. It stops at the first step during which the power went.
 */
class Workload {
public:
    Workload(vfs::Client& fs, sqlite::Vfs& vfs, Outcome& outcome, u32 seed)
        : m_fs(fs)
        , m_vfs(vfs)
        , m_outcome(outcome)
        , m_random(seed)
    {
    }

    /* Starts from what is on the disk (found by the previous clean run, or the base's model). */
    ErrorOr<void> run(u32 steps);

private:
    enum class Sync : u8 {
        No, /* the step cannot commit the store */
        Maybe, /* SQLite may sync inside it (a spill, a checkpoint, a close) */
        Definite, /* once it returns, its state is durable */
    };

    ErrorOr<void> plain_step();
    ErrorOr<void> transaction();
    ErrorOr<void> open_database();
    ErrorOr<void> write_plain(std::string const& name, usize offset, std::string const& bytes);

    /* After a step: record the state it left and what a sync in it could have made durable. */
    void settle(bool succeeded, Sync sync, Rows const* committed_rows);
    std::pair<usize, usize> current();

    vfs::Client& m_fs;
    sqlite::Vfs& m_vfs;
    Outcome& m_outcome;
    std::mt19937 m_random;
    std::optional<Database> m_database;
    Files m_plain;
    Rows m_rows;

public:
    void start_from(Files plain, Rows rows)
    {
        m_plain = std::move(plain);
        m_rows = std::move(rows);
        m_outcome.durable = { current() };
    }
    i64 next_transaction { 0 };
    i64 next_note { 0 };
};

std::pair<usize, usize> Workload::current()
{
    if (m_outcome.plain_versions.empty() || m_outcome.plain_versions.back() != m_plain)
        m_outcome.plain_versions.push_back(m_plain);
    if (m_outcome.database_versions.empty() || m_outcome.database_versions.back() != m_rows)
        m_outcome.database_versions.push_back(m_rows);
    return { m_outcome.plain_versions.size() - 1, m_outcome.database_versions.size() - 1 };
}

void Workload::settle(bool succeeded, Sync sync, Rows const* committed_rows)
{
    bool cut = harness().power.is_cut();
    if (succeeded) {
        if (sync == Sync::Definite)
            m_outcome.durable = { current() };
        else if (sync == Sync::Maybe)
            m_outcome.durable.insert(current());
        return;
    }
    if (!cut)
        return;
    /* Interrupted: a sync inside it may have made its state before, or (a COMMIT) after, durable. */
    if (sync != Sync::No)
        m_outcome.durable.insert(current());
    if (committed_rows) {
        auto before = m_rows;
        m_rows = *committed_rows;
        m_outcome.durable.insert(current());
        m_rows = before;
    }
}

ErrorOr<void> Workload::open_database()
{
    m_database.reset();
    m_database.emplace(TRY(Database::open(m_vfs, database_path)));
    /* A small page cache and early checkpoints: spills, WAL restarts and checkpoints within a few steps. */
    TRY(m_database->execute("PRAGMA cache_size=32"));
    TRY(m_database->execute("PRAGMA wal_autocheckpoint=48"));
    return {};
}

ErrorOr<void> Workload::write_plain(std::string const& name, usize offset, std::string const& bytes)
{
    auto file = TRY(m_fs.open(TRY(path_of(name)), vfs::Client::Create::IfMissing));
    auto& model = m_plain[name];
    for (usize done = 0; done < bytes.size();) {
        usize piece = std::min(bytes.size() - done, vfs::maximum_transfer);
        TRY(file.write_at(offset + done, std::span<u8 const>(reinterpret_cast<u8 const*>(bytes.data()) + done, piece)));
        if (model.size() < offset + done + piece)
            model.resize(offset + done + piece, '\0');
        model.replace(offset + done, piece, bytes, done, piece);
        done += piece;
    }
    TRY(file.close());
    return {};
}

ErrorOr<void> Workload::plain_step()
{
    std::string name = plain_names[m_random() % std::size(plain_names)];
    bool exists = m_plain.count(name) != 0;
    u32 action = m_random() % 7;
    if (!exists || action == 0) {
        auto bytes = text_of(1 + m_random() % 9000, m_random());
        auto result = write_plain(name, exists ? m_random() % (m_plain[name].size() + 1) : 0, bytes);
        settle(!result.is_error(), Sync::No, nullptr);
        return result;
    }
    if (action == 1) {
        usize size = m_random() % (m_plain[name].size() + 2000);
        auto result = m_fs.truncate(TRY(path_of(name)), size);
        if (!result.is_error())
            m_plain[name].resize(size, '\0');
        settle(!result.is_error(), Sync::No, nullptr);
        return result.is_error() ? ErrorOr<void>(result.release_error()) : ErrorOr<void> {};
    }
    if (action == 2) {
        auto result = m_fs.remove(TRY(path_of(name)));
        if (!result.is_error())
            m_plain.erase(name);
        settle(!result.is_error(), Sync::No, nullptr);
        return result;
    }
    if (action == 3) {
        /* Sync one file: one store commit (every change so far, this file's among them). */
        auto file = TRY(m_fs.open(TRY(path_of(name))));
        auto result = file.sync();
        settle(!result.is_error(), Sync::Definite, nullptr);
        TRY(result);
        return file.close();
    }
    if (action == 4) {
        auto result = m_fs.sync(TRY(path_of(name)));
        settle(!result.is_error(), Sync::Definite, nullptr);
        return result;
    }
    /* A new version written under a temporary name, synced, the old one removed, the new renamed into place, synced. */
    std::string temporary = name + ".new";
    auto bytes = text_of(1 + m_random() % 7000, m_random());
    auto written = write_plain(temporary, 0, bytes);
    settle(!written.is_error(), Sync::No, nullptr);
    TRY(written);
    {
        auto file = TRY(m_fs.open(TRY(path_of(temporary))));
        auto synced = file.sync();
        settle(!synced.is_error(), Sync::Definite, nullptr);
        TRY(synced);
        TRY(file.close());
    }
    auto removed = m_fs.remove(TRY(path_of(name)));
    if (!removed.is_error())
        m_plain.erase(name);
    settle(!removed.is_error(), Sync::No, nullptr);
    TRY(removed);
    auto renamed = m_fs.rename(TRY(path_of(temporary)), TRY(path_of(name)));
    if (!renamed.is_error()) {
        m_plain[name] = m_plain[temporary];
        m_plain.erase(temporary);
    }
    settle(!renamed.is_error(), Sync::No, nullptr);
    TRY(renamed);
    auto synced = m_fs.sync(TRY(path_of(name)));
    settle(!synced.is_error(), Sync::Definite, nullptr);
    return synced;
}

/* One SQL transaction of 1-6 changes across the tables, committed or (one in five) rolled back. */
ErrorOr<void> Workload::transaction()
{
    i64 id = ++next_transaction;
    bool commit = m_random() % 5 != 0;
    Rows rows = m_rows;
    bool sent_commit = false;
    auto body = [&]() -> ErrorOr<void> {
        auto& database = *m_database;
        TRY(database.execute("BEGIN"));
        {
            auto marker = TRY(database.prepare("INSERT INTO transactions(id) VALUES (?)"));
            TRY(marker.bind(1, id));
            TRY(marker.step());
            rows["transactions/" + std::to_string(id)] = "";
        }
        u32 changes = 1 + m_random() % 6;
        for (u32 change = 0; change < changes; ++change) {
            u32 kind = m_random() % 5;
            std::vector<i64> notes;
            for (auto const& [key, value] : rows)
                if (key.rfind("notes/", 0) == 0)
                    notes.push_back(std::stoll(key.substr(6)));
            if (kind == 0 || notes.empty()) {
                i64 note = ++next_note;
                i64 tag = m_random() % 16;
                auto text = text_of(m_random() % 4 == 0 ? 3000 + m_random() % 6000 : 10 + m_random() % 400, m_random());
                auto insert = TRY(database.prepare("INSERT INTO notes(id, tag, body) VALUES (?, ?, ?)"));
                TRY(insert.bind(1, note));
                TRY(insert.bind(2, tag));
                TRY(insert.bind(3, text));
                TRY(insert.step());
                rows["notes/" + std::to_string(note)] = std::to_string(tag) + "|" + text;
            } else if (kind == 1) {
                i64 note = notes[m_random() % notes.size()];
                auto text = text_of(10 + m_random() % 2000, m_random());
                auto update = TRY(database.prepare("UPDATE notes SET body = ? WHERE id = ?"));
                TRY(update.bind(1, text));
                TRY(update.bind(2, note));
                TRY(update.step());
                auto& row = rows["notes/" + std::to_string(note)];
                row = row.substr(0, row.find('|') + 1) + text;
            } else if (kind == 2) {
                i64 note = notes[m_random() % notes.size()];
                auto remove = TRY(database.prepare("DELETE FROM notes WHERE id = ?"));
                TRY(remove.bind(1, note));
                TRY(remove.step());
                rows.erase("notes/" + std::to_string(note));
            } else if (kind == 3) {
                /* A transfer: two balances and a ledger row, all or nothing. */
                i64 source = 1 + m_random() % 8;
                i64 target = 1 + m_random() % 8;
                i64 amount = 1 + m_random() % 100;
                TRY(database.execute("SAVEPOINT transfer"));
                auto debit = TRY(database.prepare("UPDATE accounts SET balance = balance - ? WHERE id = ?"));
                TRY(debit.bind(1, amount));
                TRY(debit.bind(2, source));
                TRY(debit.step());
                auto credit = TRY(database.prepare("UPDATE accounts SET balance = balance + ? WHERE id = ?"));
                TRY(credit.bind(1, amount));
                TRY(credit.bind(2, target));
                TRY(credit.step());
                auto entry = TRY(database.prepare("INSERT INTO ledger(id, source, target, amount) VALUES (?, ?, ?, ?)"));
                i64 line = id * 100 + change;
                TRY(entry.bind(1, line));
                TRY(entry.bind(2, source));
                TRY(entry.bind(3, target));
                TRY(entry.bind(4, amount));
                TRY(entry.step());
                TRY(database.execute("RELEASE transfer"));
                auto balance = [&](i64 account, i64 delta) {
                    auto& value = rows["accounts/" + std::to_string(account)];
                    value = std::to_string(std::stoll(value) + delta);
                };
                balance(source, -amount);
                balance(target, amount);
                rows["ledger/" + std::to_string(line)]
                    = std::to_string(source) + ">" + std::to_string(target) + ":" + std::to_string(amount);
            } else {
                /* Old ledger lines go, a range at a time. */
                i64 below = (id - 3) * 100;
                auto prune = TRY(database.prepare("DELETE FROM ledger WHERE id < ?"));
                TRY(prune.bind(1, below));
                TRY(prune.step());
                for (auto iterator = rows.begin(); iterator != rows.end();) {
                    if (iterator->first.rfind("ledger/", 0) == 0 && std::stoll(iterator->first.substr(7)) < below)
                        iterator = rows.erase(iterator);
                    else
                        ++iterator;
                }
            }
        }
        if (!commit)
            return database.execute("ROLLBACK");
        sent_commit = true;
        return database.execute("COMMIT");
    };
    auto result = body();
    ++m_outcome.transactions;
    if (!result.is_error() && commit) {
        m_rows = rows;
        m_outcome.committed.insert(id);
        settle(true, Sync::Definite, nullptr);
    } else {
        if (!commit && !result.is_error())
            ++m_outcome.rolled_back;
        if (sent_commit && result.is_error())
            m_outcome.in_flight.insert(id);
        else
            m_outcome.not_committed.insert(id);
        settle(!result.is_error(), Sync::Maybe, sent_commit ? &rows : nullptr);
    }
    return result;
}

ErrorOr<void> Workload::run(u32 steps)
{
    auto opened = open_database();
    settle(!opened.is_error(), Sync::Maybe, nullptr);
    TRY(opened);
    for (u32 step = 0; step < steps; ++step) {
        ++m_outcome.steps;
        u32 action = m_random() % 16;
        ErrorOr<void> result {};
        if (action < 9) {
            result = transaction();
        } else if (action < 14) {
            result = plain_step();
        } else if (action == 14) {
            result = m_database->execute(m_random() % 2 ? "PRAGMA wal_checkpoint(TRUNCATE)" : "PRAGMA wal_checkpoint(PASSIVE)");
            settle(!result.is_error(), Sync::Maybe, nullptr);
        } else {
            /* Close (a checkpoint; the WAL removed) and open again. */
            result = m_database->close();
            m_database.reset();
            if (!result.is_error())
                result = open_database();
            settle(!result.is_error(), Sync::Maybe, nullptr);
        }
        if (harness().power.is_cut())
            return {};
        if (result.is_error())
            return result;
    }
    auto closed = m_database->close();
    m_database.reset();
    settle(!closed.is_error(), Sync::Maybe, nullptr);
    return closed;
}

/* The model of the base disk (made once by `make_base`), which every trial starts from. */
struct Base {
    std::vector<u8> disk;
    Files plain;
    Rows rows;
    i64 next_note { 0 };
};

Base& base()
{
    static Base the_base;
    return the_base;
}

ErrorOr<void> create_base(vfs::Client& fs, sqlite::Vfs& vfs, sqlite::Engine&)
{
    TRY(fs.create_directory(TRY(TRY(Path::root().try_join("data")).try_join("plain"))));
    auto database = TRY(Database::open(vfs, database_path));
    TRY(database.execute("CREATE TABLE accounts(id INTEGER PRIMARY KEY, balance INTEGER NOT NULL);"
                         "CREATE TABLE notes(id INTEGER PRIMARY KEY, tag INTEGER NOT NULL, body TEXT NOT NULL);"
                         "CREATE INDEX notes_by_tag ON notes(tag);"
                         "CREATE TABLE ledger(id INTEGER PRIMARY KEY, source INTEGER, target INTEGER, amount INTEGER);"
                         "CREATE INDEX ledger_by_source ON ledger(source, amount);"
                         "CREATE TABLE transactions(id INTEGER PRIMARY KEY);"
                         "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 8) "
                         "INSERT INTO accounts SELECT x, 1000 FROM n;"
                         "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 20) "
                         "INSERT INTO notes SELECT x, x % 16, printf('base note %d', x) FROM n;"));
    base().rows = TRY(rows_of(database));
    base().next_note = 20;
    TRY(database.close());
    for (auto const* name : { "a", "b" }) {
        auto bytes = text_of(3000, name[0]);
        TRY(fs.write(TRY(path_of(name)), 0, std::span<u8 const>(reinterpret_cast<u8 const*>(bytes.data()), 512)));
        base().plain[name] = bytes.substr(0, 512);
    }
    TRY(fs.sync(TRY(path_of("a"))));
    return {};
}

ErrorOr<void> run_workload(vfs::Client& fs, sqlite::Vfs& vfs, sqlite::Engine&)
{
    auto& outcome = harness().outcome;
    outcome = {};
    Workload workload(fs, vfs, outcome, harness().seed);
    workload.start_from(base().plain, base().rows);
    workload.next_note = base().next_note;
    workload.next_transaction = 0;
    auto result = workload.run(20);
    if (result.is_error() && !harness().power.is_cut())
        outcome.unexpected = std::string(result.error().name()) + ": " + (result.error().message() ?: "");
    return {};
}

/* After the cut: the store mounted again, the database opened and checked, and a new transaction committed. */
ErrorOr<void> check_recovered(vfs::Client& fs, sqlite::Vfs& vfs, sqlite::Engine&)
{
    auto& found = harness();
    found.check_failure.clear();
    if (!found.mount_failure.empty()) {
        found.check_failure = "the store does not mount: " + found.mount_failure;
        return {};
    }
    auto checked = [&]() -> ErrorOr<void> {
        auto database = TRY(Database::open(vfs, database_path));
        auto integrity = TRY(database.query_text("PRAGMA integrity_check"));
        if (integrity.view() != "ok") {
            found.check_failure = "integrity_check: " + std::string(integrity.view());
            return {};
        }
        found.found_rows = TRY(rows_of(database));
        found.found_files = TRY(files_of(fs));
        TRY(database.execute("BEGIN; INSERT INTO transactions(id) VALUES (1000000); COMMIT"));
        TRY(expect(TRY(database.query_integer("SELECT count(*) FROM transactions WHERE id = 1000000")) == 1,
            "the recovered database lost a new transaction"));
        TRY(database.close());
        return {};
    }();
    if (checked.is_error())
        found.check_failure = std::string(checked.error().name()) + ": " + (checked.error().message() ?: "");
    return {};
}

struct Tally {
    u32 cuts { 0 };
    u64 invariants { 0 };
    u32 violations { 0 };
    u32 cuts_in_sync { 0 };
    u32 transactions { 0 };
    u32 committed { 0 };
    u32 rolled_back { 0 };
    u32 found_committed_in_flight { 0 };
    u32 unexpected { 0 };
    u64 kept { 0 }, dropped { 0 }, torn { 0 }, write_backs { 0 };
};

void make_base()
{
    if (!base().disk.empty())
        return;
    auto& state = harness();
    state.mutation = Mutation::None;
    state.device.reset_to(std::vector<u8>(disk_bytes, 0));
    state.power.restore_power();
    state.power.cut_after(0, 0);
    run_client(create_base);
    base().disk = state.device.bytes();
}

/* One trial: a dry run counts the write requests, the cut run stops at a random one, a clean run checks. */
void trial(u32 number, Mutation mutation, Tally& tally)
{
    auto& state = harness();
    state.mutation = mutation;
    state.seed = 9000 + number;
    state.device.reset_to(base().disk);
    state.power.restore_power();
    state.power.cut_after(0, 0);
    state.syncs.clear();
    run_client(run_workload);
    u64 total = state.power.report().writes;
    auto syncs = state.syncs;
    if (!state.outcome.unexpected.empty()) {
        ++tally.unexpected;
        UNSCOPED_INFO("seed " << state.seed << ": the dry run failed: " << state.outcome.unexpected);
        return;
    }
    REQUIRE(total > 0);
    std::mt19937_64 random(state.seed);
    u64 cut_at = 1 + random() % total;
    if (number % 2 == 1 && !syncs.empty()) {
        auto [before, after] = syncs[random() % syncs.size()];
        if (after > before)
            cut_at = before + 1 + random() % (after - before);
    }

    state.device.reset_to(base().disk);
    state.power.restore_power();
    state.power.cut_after(cut_at, state.seed);
    state.syncs.clear();
    run_client(run_workload);
    auto outcome = state.outcome;
    if (!state.power.is_cut()) {
        /* The run made fewer write requests than the dry run (it should not): nothing to check. */
        UNSCOPED_INFO("seed " << state.seed << ": no cut at write " << cut_at << " of " << total);
        ++tally.unexpected;
        return;
    }
    ++tally.cuts;
    for (auto [before, after] : state.syncs)
        tally.cuts_in_sync += before < cut_at && cut_at <= after;
    tally.transactions += outcome.transactions;
    tally.committed += u32(outcome.committed.size());
    tally.rolled_back += outcome.rolled_back;
    tally.kept += state.power.report().kept;
    tally.dropped += state.power.report().dropped;
    tally.torn += state.power.report().torn;
    tally.write_backs += state.power.report().write_backs;
    if (!outcome.unexpected.empty()) {
        ++tally.unexpected;
        UNSCOPED_INFO("seed " << state.seed << ": the cut run failed before the cut: " << outcome.unexpected);
    }

    /* Power back, the check as the mutation leaves it (it changes only how the cut run synced). */
    state.power.restore_power();
    state.mutation = Mutation::None;
    run_client(check_recovered);
    /* The mount, the open and integrity_check: one invariant each. */
    tally.invariants += 3;
    if (!state.check_failure.empty()) {
        ++tally.violations;
        UNSCOPED_INFO("seed " << state.seed << " (cut at write " << cut_at << " of " << total
                              << "): " << state.check_failure);
        return;
    }
    /* Every committed transaction, every one not committed, every plain file: one invariant each. */
    tally.invariants += outcome.committed.size() + outcome.not_committed.size() + state.found_files.size();
    bool matches = false;
    for (auto [plain, rows] : outcome.durable) {
        if (outcome.plain_versions[plain] == state.found_files && outcome.database_versions[rows] == state.found_rows) {
            matches = true;
            break;
        }
    }
    if (!matches) {
        ++tally.violations;
        u32 lost = 0;
        for (i64 id : outcome.committed)
            lost += !state.found_rows.count("transactions/" + std::to_string(id));
        u32 appeared = 0;
        for (i64 id : outcome.not_committed)
            appeared += state.found_rows.count("transactions/" + std::to_string(id));
        UNSCOPED_INFO("seed " << state.seed << " (cut at write " << cut_at << " of " << total << "): "
                              << lost << " committed transactions missing, " << appeared
                              << " uncommitted present, or the rows or /data/plain match no durable state");
        return;
    }
    /* A transaction committed in flight (COMMIT sent, cut before it returned) may be there: count when it is. */
    for (auto const& [key, value] : state.found_rows)
        if (key.rfind("transactions/", 0) == 0) {
            i64 id = std::stoll(key.substr(13));
            tally.found_committed_in_flight += outcome.in_flight.count(id);
        }
}

void run_trials(Mutation mutation, u32 count, Tally& tally)
{
    make_base();
    for (u32 number = 0; number < count; ++number)
        trial(number, mutation, tally);
}

}

TEST_CASE("200 random power cuts under SQLite transactions on a store mount: committed is there, uncommitted is not",
    "[sqlite]")
{
    Tally tally;
    run_trials(Mutation::None, trials, tally);
    WARN("sqlite power cuts: " << tally.cuts << " cuts run, " << tally.invariants << " invariants checked, "
                               << tally.violations << " violations (" << tally.cuts_in_sync << " cuts inside a sync; "
                               << tally.transactions << " transactions, " << tally.committed << " committed, "
                               << tally.rolled_back << " rolled back; " << tally.found_committed_in_flight
                               << " interrupted COMMITs found committed; held writes at the cuts: " << tally.kept
                               << " kept, " << tally.dropped << " dropped, " << tally.torn
                               << " torn; cache-full write-backs " << tally.write_backs << ")");
    CHECK(tally.violations == 0);
    CHECK(tally.unexpected == 0);
    CHECK(tally.cuts == trials);
    CHECK(tally.cuts_in_sync >= trials / 4);
    CHECK(tally.torn > 0);
}

TEST_CASE("The harness catches SQLite's xSync made a no-op (vfsd's sync-file answering without a commit)", "[sqlite]")
{
    Tally tally;
    run_trials(Mutation::SyncFileIgnored, 40, tally);
    WARN("mutated (sync-file a no-op): " << tally.cuts << " cuts, " << tally.violations << " violations");
    CHECK(tally.violations > 0);
}
