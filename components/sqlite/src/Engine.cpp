/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The engine: memsys5 on the Task's memory, sqlite3_initialize/sqlite3_shutdown, the OS layer's
 * two entry points SQLITE_OS_OTHER asks for, and SQLite's result codes as an error domain.
 */

#include "BaseVfs.h"
#include <sqlite3.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/sqlite/Sqlite.h>

/* SQLITE_OS_OTHER: the OS layer is ours — the base VFS here, each Vfs registers itself. */
extern "C" int sqlite3_os_init(void) { return vectra::sqlite::register_base_vfs(); }
extern "C" int sqlite3_os_end(void) { return SQLITE_OK; }

namespace vectra::sqlite {

Error error_of(int result);

namespace {

char const* result_name(u16 code)
{
    static constexpr char const* names[] = { nullptr, "error", "internal", "permission", "abort", "busy", "locked",
        "no-memory", "read-only", "interrupt", "io-error", "corrupt", "not-found", "full", "cant-open", "protocol",
        "empty", "schema", "too-big", "constraint", "mismatch", "misuse", "no-large-files", "authorization", "format",
        "range", "not-a-database" };
    return code < sizeof(names) / sizeof(names[0]) ? names[code] : nullptr;
}

constexpr ErrorDomain domain { "sqlite", result_name };

/* The smallest block memsys5 hands out; requests are rounded up to a power of two from here. */
constexpr int minimum_allocation = 32;

/*
 * SQLite's configuration and allocator state live in the libraries' data: one copy per
 * protection domain, one per image without domains. This flag is the only state of our own.
 */
bool engine_running = false;

ErrorOr<void> configure(std::span<u8> heap)
{
    if (engine_running)
        return Error(ErrorCode::Busy, "SQLite is already started in this copy of the libraries' data");
    if (heap.size() < 64 * KiB || heap.size() > 0x7fffffffu)
        return Error(ErrorCode::InvalidArgument, "SQLite's heap must be at least 64 KiB and below 2 GiB");
    int result = sqlite3_config(SQLITE_CONFIG_HEAP, heap.data(), static_cast<int>(heap.size()), minimum_allocation);
    if (result != SQLITE_OK)
        return error_of(result);
    result = sqlite3_initialize();
    if (result != SQLITE_OK)
        return error_of(result);
    engine_running = true;
    return {};
}

}

ErrorDomain const& error_domain(Result) { return domain; }

Error error_of(int result)
{
    return Error(domain, static_cast<u16>(result & 0xff), sqlite3_errstr(result));
}

ErrorOr<Engine> Engine::start(ReticleCap const& memory, usize heap_bytes)
{
    if (engine_running)
        return Error(ErrorCode::Busy, "SQLite is already started in this copy of the libraries' data");
    auto object = TRY(system::create_memory(memory, heap_bytes));
    auto heap = TRY(system::map_memory(object));
    TRY(configure(heap));
    return Engine(heap, std::move(object));
}

ErrorOr<Engine> Engine::start(std::span<u8> heap)
{
    TRY(configure(heap));
    return Engine(heap, MemCap());
}

Engine::Engine(std::span<u8> heap, MemCap memory)
    : m_heap(heap)
    , m_memory(std::move(memory))
{
}

Engine::Engine(Engine&& other)
    : m_heap(other.m_heap)
    , m_memory(std::move(other.m_memory))
    , m_owner(other.m_owner)
{
    other.m_owner = false;
}

Engine::~Engine()
{
    if (!m_owner)
        return;
    (void)sqlite3_shutdown();
    /* The next start configures a heap again (sqlite3_config only works while shut down). */
    engine_running = false;
}

usize Engine::heap_high_water() const
{
    sqlite3_int64 current = 0;
    sqlite3_int64 highest = 0;
    (void)sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &current, &highest, 0);
    return static_cast<usize>(highest);
}

usize Engine::largest_request() const
{
    sqlite3_int64 current = 0;
    sqlite3_int64 highest = 0;
    (void)sqlite3_status64(SQLITE_STATUS_MALLOC_SIZE, &current, &highest, 0);
    return static_cast<usize>(highest);
}

}
