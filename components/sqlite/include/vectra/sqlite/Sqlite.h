/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * SQLite for Tasks (ADR 0019): the engine started on memory from the calling Task's Reticle
 * (memsys5, never a global heap), a VFS over a vfsd session (core/fs), and databases opened on
 * any vfsd path in WAL journal mode with exclusive locking. SQLite keeps its state in the
 * libraries' data, which each protection domain has its own copy of (ADR 0009): one Task per
 * domain (one per image without domains) starts the engine; a second start is refused (Busy).
 */

#pragma once

#include <span>
#include <string_view>
#include <vectra/Capability.h>
#include <vectra/Error.h>
#include <vectra/FixedString.h>
#include <vectra/Random.h>
#include <vectra/WallClock.h>
#include <vectra/fs/Client.h>

struct sqlite3;
struct sqlite3_stmt;
struct sqlite3_vfs;

namespace vectra::sqlite {

/* SQLite's primary result codes (sqlite.org/rescode.html), an error domain of their own. */
enum class Result : u16 {
    Error = 1,
    Internal = 2,
    Permission = 3,
    Abort = 4,
    Busy = 5,
    Locked = 6,
    NoMemory = 7,
    ReadOnly = 8,
    Interrupt = 9,
    IoError = 10,
    Corrupt = 11,
    NotFound = 12,
    Full = 13,
    CantOpen = 14,
    Protocol = 15,
    Empty = 16,
    Schema = 17,
    TooBig = 18,
    Constraint = 19,
    Mismatch = 20,
    Misuse = 21,
    NoLargeFiles = 22,
    Authorization = 23,
    Format = 24,
    Range = 25,
    NotADatabase = 26,
};
[[nodiscard]] ErrorDomain const& error_domain(Result);
/* The error a SQLite result code (extended codes too) stands for; its message is sqlite3_errstr's. */
[[nodiscard]] Error error_of(int result);

/*
 * The started engine: memsys5 on a memory object of `heap_bytes` retyped from `memory`, then
 * sqlite3_initialize(). Ends with sqlite3_shutdown() when the last owner goes (move-only).
 */
class Engine {
public:
    [[nodiscard]] static ErrorOr<Engine> start(ReticleCap const& memory, usize heap_bytes);
    /* The same on memory the caller holds (a test's buffer): `heap` must outlive the Engine. */
    [[nodiscard]] static ErrorOr<Engine> start(std::span<u8> heap);

    Engine(Engine&& other);
    Engine& operator=(Engine&&) = delete;
    ~Engine();

    /* The most heap bytes SQLite held at once, and the largest allocation it asked for. */
    [[nodiscard]] usize heap_high_water() const;
    [[nodiscard]] usize largest_request() const;
    [[nodiscard]] usize heap_size() const { return m_heap.size(); }

private:
    Engine(std::span<u8> heap, MemCap memory);
    std::span<u8> m_heap;
    MemCap m_memory;
    bool m_owner { true };
};

/*
 * A VFS over one vfsd session: every path SQLite opens is a vfsd path (absolute; a relative
 * name is taken from the root). Registered with SQLite under its own name while it lives, the
 * first one as the default; it must not move (SQLite holds its address).
 * Locking is a no-op: databases are opened with locking_mode=EXCLUSIVE, one Task per database.
 * xSync has nothing to ask of vfsd yet (its RAM filesystem has no cache to flush and the
 * protocol no sync message), xRandomness is core/random's Standard generator over platform
 * entropy, xCurrentTime the caller's WallClock.
 */
class Vfs {
public:
    Vfs(vfs::Client& client, WallClock& clock);
    ~Vfs();
    Vfs(Vfs const&) = delete;
    Vfs& operator=(Vfs const&) = delete;

    [[nodiscard]] char const* name() const { return m_name; }

    /* Reached from SQLite's callbacks (src/Vfs.cpp). */
    [[nodiscard]] vfs::Client& client() { return *m_client; }
    [[nodiscard]] WallClock& clock() { return *m_clock; }
    void fill_random(std::span<u8> bytes) { m_random.fill(bytes); }

private:
    vfs::Client* m_client;
    WallClock* m_clock;
    PlatformEntropy m_entropy;
    Rng<Confidence::Standard> m_random;
    char m_name[32] {};
    alignas(16) u8 m_vfs_storage[192];
    [[nodiscard]] sqlite3_vfs* vfs();
};

class Statement;

/* A database on a vfsd path, in WAL journal mode with exclusive locking (no shared-memory index). */
class Database {
public:
    [[nodiscard]] static ErrorOr<Database> open(Vfs&, std::string_view path);

    Database(Database&& other);
    Database& operator=(Database&&) = delete;
    ~Database();

    /* Runs statements that return no rows wanted (sqlite3_exec without a callback). */
    [[nodiscard]] ErrorOr<void> execute(char const* sql);
    [[nodiscard]] ErrorOr<Statement> prepare(char const* sql);
    /* The first column of the first row of `sql`, as an integer or as text (copied). */
    [[nodiscard]] ErrorOr<i64> query_integer(char const* sql);
    [[nodiscard]] ErrorOr<FixedString<64>> query_text(char const* sql);
    /* SQLite's message for the last failure on this connection (sqlite3_errmsg). */
    [[nodiscard]] char const* last_message() const;
    [[nodiscard]] ErrorOr<void> close();

private:
    explicit Database(::sqlite3* handle)
        : m_handle(handle)
    {
    }
    ::sqlite3* m_handle;
};

/* A prepared statement: bind, step through rows, read columns; finalized when it goes. */
class Statement {
public:
    Statement(Statement&& other);
    Statement& operator=(Statement&&) = delete;
    ~Statement();

    [[nodiscard]] ErrorOr<void> bind(int index, i64 value);
    [[nodiscard]] ErrorOr<void> bind(int index, std::string_view text);
    /* true: a row is ready; false: done. */
    [[nodiscard]] ErrorOr<bool> step();
    [[nodiscard]] ErrorOr<void> reset();
    [[nodiscard]] i64 column_integer(int index) const;
    [[nodiscard]] std::string_view column_text(int index) const;

private:
    friend class Database;
    explicit Statement(::sqlite3_stmt* handle)
        : m_handle(handle)
    {
    }
    ::sqlite3_stmt* m_handle;
};

}
