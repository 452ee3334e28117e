/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * SQLite's OS interface over a vfsd session: files are core/fs Files, read and written in pieces
 * of what one vfs message carries. Every callback answers with a SQLite result code; vfsd's
 * errors become the I/O error SQLite expects for that call (SQLITE_FULL when vfsd has no room).
 */

#include "BaseVfs.h"
#include <new>
#include <optional>
#include <sqlite3.h>
#include <string.h>
#include <vectra/Format.h>
#include <vectra/Path.h>
#include <vectra/System.h>
#include <vectra/SystemClock.h>
#include <vectra/Try.h>
#include <vectra/sqlite/Sqlite.h>

namespace vectra::sqlite {

namespace {

/* SQLite's file object: the sqlite3_file header first, then ours. */
struct OpenFile {
    sqlite3_file base;
    Vfs* owner;
    std::optional<vfs::File> file;
    Path path;
    bool delete_on_close;
};

Vfs& owner_of(sqlite3_vfs* vfs) { return *static_cast<Vfs*>(vfs->pAppData); }
OpenFile& open_file(sqlite3_file* file) { return *reinterpret_cast<OpenFile*>(file); }

/* "/a/b/c.db" as a vfsd Path; empty components (doubled or trailing slashes) are skipped. */
ErrorOr<Path> path_of(char const* name)
{
    Path path = Path::root();
    std::string_view rest(name);
    while (!rest.empty()) {
        usize slash = rest.find('/');
        std::string_view component = rest.substr(0, slash);
        if (!component.empty())
            path = TRY(path.try_join(component));
        if (slash == std::string_view::npos)
            break;
        rest.remove_prefix(slash + 1);
    }
    return path;
}

/* vfsd's refusals that mean "no room" (its mount is full, a file's largest size) are SQLITE_FULL. */
int write_error(Error const& error)
{
    if (error.is(vfs::VfsError::NoSpace) || error.is(ErrorCode::TooLarge))
        return SQLITE_FULL;
    return SQLITE_IOERR_WRITE;
}

int close_file(sqlite3_file* handle)
{
    auto& file = open_file(handle);
    int result = SQLITE_OK;
    if (file.file && file.file->close().is_error())
        result = SQLITE_IOERR_CLOSE;
    if (file.delete_on_close && file.owner->client().remove(file.path).is_error())
        result = SQLITE_IOERR_DELETE;
    file.~OpenFile();
    return result;
}

/* Bytes one vfsd request moves: a whole page and more through the client's transfer buffer (v5), else one message's body. */
usize request_bytes(OpenFile& file)
{
    usize transfer = file.owner->client().transfer_size();
    return transfer > vfs::maximum_transfer ? transfer : vfs::maximum_transfer;
}

int read_file(sqlite3_file* handle, void* buffer, int amount, sqlite3_int64 offset)
{
    auto& file = open_file(handle);
    auto* bytes = static_cast<u8*>(buffer);
    usize wanted = static_cast<usize>(amount);
    usize most = request_bytes(file);
    usize done = 0;
    while (done < wanted) {
        usize piece = wanted - done < most ? wanted - done : most;
        auto read = file.file->read_at(static_cast<u64>(offset) + done, std::span<u8>(bytes + done, piece));
        if (read.is_error())
            return SQLITE_IOERR_READ;
        if (read.value() == 0)
            break;
        done += read.value();
    }
    if (done < wanted) {
        /* SQLite requires the rest zeroed on a short read. */
        memset(bytes + done, 0, wanted - done);
        return SQLITE_IOERR_SHORT_READ;
    }
    return SQLITE_OK;
}

int write_file(sqlite3_file* handle, void const* buffer, int amount, sqlite3_int64 offset)
{
    auto& file = open_file(handle);
    auto const* bytes = static_cast<u8 const*>(buffer);
    usize wanted = static_cast<usize>(amount);
    usize most = request_bytes(file);
    for (usize done = 0; done < wanted;) {
        usize piece = wanted - done < most ? wanted - done : most;
        auto written = file.file->write_at(static_cast<u64>(offset) + done, std::span<u8 const>(bytes + done, piece));
        if (written.is_error())
            return write_error(written.error());
        done += piece;
    }
    return SQLITE_OK;
}

int truncate_file(sqlite3_file* handle, sqlite3_int64 size)
{
    auto result = open_file(handle).file->truncate(static_cast<u64>(size));
    if (result.is_error())
        return result.error().is(ErrorCode::TooLarge) || result.error().is(vfs::VfsError::NoSpace) ? SQLITE_FULL
                                                                                                  : SQLITE_IOERR_TRUNCATE;
    return SQLITE_OK;
}

/*
 * vfsd's sync-file: once it returns, the file's bytes, size and name survive a power cut on a
 * durable mount (ADR 0022); SQLite's commit and checkpoint ordering rests on it.
 */
int sync_file(sqlite3_file* handle, int)
{
    return open_file(handle).file->sync().is_error() ? SQLITE_IOERR_FSYNC : SQLITE_OK;
}

int file_size(sqlite3_file* handle, sqlite3_int64* size)
{
    auto result = open_file(handle).file->size();
    if (result.is_error())
        return SQLITE_IOERR_FSTAT;
    *size = static_cast<sqlite3_int64>(result.value());
    return SQLITE_OK;
}

/* One Task per database (locking_mode=EXCLUSIVE): no other connection exists to lock against. */
int lock_file(sqlite3_file*, int) { return SQLITE_OK; }
int unlock_file(sqlite3_file*, int) { return SQLITE_OK; }
int check_reserved_lock(sqlite3_file*, int* reserved)
{
    *reserved = 0;
    return SQLITE_OK;
}

int file_control(sqlite3_file*, int, void*) { return SQLITE_NOTFOUND; }
int sector_size(sqlite3_file*) { return static_cast<int>(vfs::maximum_transfer); }
int device_characteristics(sqlite3_file*) { return 0; }

/* Version 1: no shared-memory methods, so WAL works only with exclusive locking (what Database::open sets). */
constexpr sqlite3_io_methods file_methods = {
    1,
    close_file,
    read_file,
    write_file,
    truncate_file,
    sync_file,
    file_size,
    lock_file,
    unlock_file,
    check_reserved_lock,
    file_control,
    sector_size,
    device_characteristics,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
};

int open_path(sqlite3_vfs* vfs, char const* name, sqlite3_file* handle, int flags, int* out_flags)
{
    handle->pMethods = nullptr; /* SQLite calls xClose only when this is set */
    if (name == nullptr)
        return SQLITE_CANTOPEN; /* temporary files: SQLITE_TEMP_STORE=3 keeps them in memory */
    auto path = path_of(name);
    if (path.is_error())
        return SQLITE_CANTOPEN;
    auto& client = owner_of(vfs).client();
    if ((flags & SQLITE_OPEN_EXCLUSIVE) && !client.stat(path.value()).is_error())
        return SQLITE_CANTOPEN;
    auto create = (flags & SQLITE_OPEN_CREATE) ? vfs::Client::Create::IfMissing : vfs::Client::Create::No;
    auto opened = client.open(path.value(), create);
    if (opened.is_error())
        return SQLITE_CANTOPEN;
    auto* file = new (handle) OpenFile { {}, &owner_of(vfs), opened.release_value(), path.release_value(),
        (flags & SQLITE_OPEN_DELETEONCLOSE) != 0 };
    file->base.pMethods = &file_methods;
    if (out_flags)
        *out_flags = flags;
    return SQLITE_OK;
}

int remove_path(sqlite3_vfs* vfs, char const* name, int)
{
    auto path = path_of(name);
    if (path.is_error())
        return SQLITE_IOERR_DELETE;
    auto removed = owner_of(vfs).client().remove(path.value());
    if (removed.is_error())
        return removed.error().is(ErrorCode::NotFound) ? SQLITE_IOERR_DELETE_NOENT : SQLITE_IOERR_DELETE;
    return SQLITE_OK;
}

int check_access(sqlite3_vfs* vfs, char const* name, int, int* result)
{
    /* Existence, read and write access are one question: vfsd has no permissions. */
    auto path = path_of(name);
    if (path.is_error()) {
        *result = 0;
        return SQLITE_OK;
    }
    auto status = owner_of(vfs).client().stat(path.value());
    if (status.is_error() && !status.error().is(ErrorCode::NotFound))
        return SQLITE_IOERR_ACCESS;
    *result = status.is_error() ? 0 : 1;
    return SQLITE_OK;
}

int full_pathname(sqlite3_vfs*, char const* name, int size, char* output)
{
    /* vfsd paths are absolute; a relative name is taken from the root. */
    usize length = strlen(name);
    usize prefix = name[0] == '/' ? 0 : 1;
    if (length + prefix + 1 > static_cast<usize>(size))
        return SQLITE_CANTOPEN;
    if (prefix)
        output[0] = '/';
    memcpy(output + prefix, name, length + 1);
    return SQLITE_OK;
}

int randomness(sqlite3_vfs* vfs, int size, char* output)
{
    owner_of(vfs).fill_random(std::span<u8>(reinterpret_cast<u8*>(output), static_cast<usize>(size)));
    return size;
}

/* The base VFS seeds SQLite's own generator (once, 256 bytes) from a Standard generator made for the call. */
int base_randomness(sqlite3_vfs*, int size, char* output)
{
    PlatformEntropy entropy;
    auto random = Rng<Confidence::Standard>::create(entropy);
    random.fill(std::span<u8>(reinterpret_cast<u8*>(output), static_cast<usize>(size)));
    return size;
}

/* Busy-waiting never happens (no lock ever waits); if asked, give the CPU to others until the time has passed. */
int sleep_for(sqlite3_vfs*, int microseconds)
{
    u64 until = monotonic_now().nanoseconds_since_boot() + static_cast<u64>(microseconds) * 1000;
    while (monotonic_now().nanoseconds_since_boot() < until)
        system::yield();
    return microseconds;
}

/* Milliseconds since the Julian epoch (noon, 24 November 4714 BC), from the Task's wall clock. */
sqlite3_int64 julian_milliseconds(WallClock& clock)
{
    constexpr i64 unix_epoch_julian_milliseconds = 210866760000000;
    WallTime time = clock.now().time();
    return unix_epoch_julian_milliseconds + time.unix_seconds() * 1000 + time.nanoseconds() / 1000000;
}

int current_time_milliseconds(sqlite3_vfs* vfs, sqlite3_int64* now)
{
    *now = julian_milliseconds(owner_of(vfs).clock());
    return SQLITE_OK;
}

int current_time(sqlite3_vfs* vfs, double* now)
{
    *now = static_cast<double>(julian_milliseconds(owner_of(vfs).clock())) / 86400000.0;
    return SQLITE_OK;
}

/* The base VFS has no Task's clock: a clock made for the call, as a Task's is until someone sets it. */
int base_current_time_milliseconds(sqlite3_vfs*, sqlite3_int64* now)
{
    MonotonicClock monotonic = system_monotonic_clock();
    WallClock clock(monotonic);
    *now = julian_milliseconds(clock);
    return SQLITE_OK;
}

int base_current_time(sqlite3_vfs* vfs, double* now)
{
    sqlite3_int64 milliseconds = 0;
    base_current_time_milliseconds(vfs, &milliseconds);
    *now = static_cast<double>(milliseconds) / 86400000.0;
    return SQLITE_OK;
}

/* The base VFS opens no files: databases go through a Vfs (a vfsd session) or stay in memory. */
int base_open(sqlite3_vfs*, char const*, sqlite3_file* handle, int, int*)
{
    handle->pMethods = nullptr;
    return SQLITE_CANTOPEN;
}

int base_remove(sqlite3_vfs*, char const*, int) { return SQLITE_IOERR_DELETE; }

int base_access(sqlite3_vfs*, char const*, int, int* result)
{
    *result = 0;
    return SQLITE_OK;
}

int last_error(sqlite3_vfs*, int, char*) { return 0; }

/*
 * SQLite's default VFS, registered by sqlite3_os_init: what SQLite needs before any Task's Vfs
 * exists — randomness, time, sleep — for in-memory databases and the memdb VFS layered on it.
 * SQLite links it into its VFS list, so it lives in the libraries' data (one per domain).
 */
sqlite3_vfs base_vfs = {
    2, /* iVersion */
    0, /* szOsFile */
    512, /* mxPathname */
    nullptr, /* pNext */
    "vectra", /* zName */
    nullptr, /* pAppData */
    base_open,
    base_remove,
    base_access,
    full_pathname,
    nullptr, /* xDlOpen */
    nullptr, /* xDlError */
    nullptr, /* xDlSym */
    nullptr, /* xDlClose */
    base_randomness,
    sleep_for,
    base_current_time,
    last_error,
    base_current_time_milliseconds,
    nullptr,
    nullptr,
    nullptr,
};

}

int register_base_vfs() { return sqlite3_vfs_register(&base_vfs, 1); }

Vfs::Vfs(vfs::Client& client, WallClock& clock)
    : m_client(&client)
    , m_clock(&clock)
    , m_random(Rng<Confidence::Standard>::create(m_entropy))
{
    static_assert(sizeof(m_vfs_storage) >= sizeof(sqlite3_vfs));
    /* A name of its own: several Vfs objects (sessions) may be registered at once. */
    FixedString<sizeof(m_name) - 1> name;
    format_into(name, "vectra-{:x}", reinterpret_cast<uptr>(this));
    memcpy(m_name, name.view().data(), name.length());
    auto* registered = new (m_vfs_storage) sqlite3_vfs {};
    registered->iVersion = 2;
    registered->szOsFile = sizeof(OpenFile);
    registered->mxPathname = 512;
    registered->zName = m_name;
    registered->pAppData = this;
    registered->xOpen = open_path;
    registered->xDelete = remove_path;
    registered->xAccess = check_access;
    registered->xFullPathname = full_pathname;
    registered->xRandomness = randomness;
    registered->xSleep = sleep_for;
    registered->xCurrentTime = current_time;
    registered->xGetLastError = last_error;
    registered->xCurrentTimeInt64 = current_time_milliseconds;
    (void)sqlite3_vfs_register(registered, 0);
}

sqlite3_vfs* Vfs::vfs() { return reinterpret_cast<sqlite3_vfs*>(m_vfs_storage); }

Vfs::~Vfs() { (void)sqlite3_vfs_unregister(vfs()); }

}
