/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * store_bench: the crash-safe store (ADR 0023) as a client of vfsd sees it, for `./vectra
 * bench`'s guest group guest_store (images/store-bench). Through one vfsd session, on the
 * `store` mount at /data (a storaged partition on virtio-blk), it:
 *
 *   1. writes /data/big, CONFIG_STOREBENCH_SEQUENTIAL_MIB MiB in 1 MiB writes (each MiB
 *      stamped at both ends), then syncs it;
 *   2. reads it back in 1 MiB reads, each stamp checked;
 *   3. creates CONFIG_STOREBENCH_SMALL_FILES files of 100 bytes in /data/small (one write by
 *      path each), stats each (its size checked), reads each (every byte checked), then syncs
 *      the mount; then rewrites one of them and syncs again (printed, not a benchmark record:
 *      what one change costs to commit among that many files).
 *
 * Each run is timed with the monotonic clock (the scaled cycle counter: the TSC on x86_64, the
 * generic timer on aarch64) and printed as one line that tools/vectra/bench_guest.py parses:
 *
 *   store-bench: <run>: <bytes> bytes in <count> <writes|reads|files> of <size> bytes[ …]: <ns> ns
 *
 * A wrong byte or a refused request ends the Task with its error: never a number.
 */

#include <string.h>
#include <vectra/ClockAndEntropy.h>
#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/config.h>
#include <vectra/footprints/store_bench.h>
#include <vectra/fs/Client.h>

VECTRA_TASK_ENTRY(store_bench);

namespace vectra::task_entries {

namespace {

constexpr usize request_bytes = vfs::maximum_buffer_transfer; /* 1 MiB */
constexpr usize small_file_bytes = 100;

ErrorOr<void> expect(bool holds, char const* what)
{
    if (!holds)
        return Error(ErrorCode::InvalidArgument, what);
    return {};
}

ErrorOr<Path> path_of(std::initializer_list<std::string_view> components)
{
    Path path = Path::root();
    for (auto component : components)
        path = TRY(path.try_join(component));
    return path;
}

/* The stamp at both ends of MiB `index`: a read that returns other bytes is an error, not a number. */
u64 stamp_of(u64 index) { return 0x73746f72652d6265ull ^ (index * 0x9e3779b97f4a7c15ull); }

ErrorOr<void> sequential(ConsoleCap const& console, vfs::Client& fs, std::span<u8> bytes, u64 mebibytes, bool writing)
{
    auto path = TRY(path_of({ "data", "big" }));
    auto file = TRY(fs.open(path, writing ? vfs::Client::Create::IfMissing : vfs::Client::Create::No));
    u64 started = system::monotonic_nanoseconds();
    for (u64 index = 0; index < mebibytes; ++index) {
        u64 stamp = stamp_of(index);
        if (writing) {
            memcpy(bytes.data(), &stamp, sizeof(stamp));
            memcpy(bytes.data() + request_bytes - sizeof(stamp), &stamp, sizeof(stamp));
            TRY(file.write_at(index * request_bytes, bytes));
            continue;
        }
        memset(bytes.data(), 0, sizeof(stamp));
        memset(bytes.data() + request_bytes - sizeof(stamp), 0, sizeof(stamp));
        TRY(expect(TRY(file.read_at(index * request_bytes, bytes)) == request_bytes, "a 1 MiB read came back short"));
        TRY(expect(memcmp(bytes.data(), &stamp, sizeof(stamp)) == 0
                && memcmp(bytes.data() + request_bytes - sizeof(stamp), &stamp, sizeof(stamp)) == 0,
            "a MiB read back differs from what was written"));
    }
    if (writing)
        TRY(file.sync());
    u64 elapsed = system::monotonic_nanoseconds() - started;
    TRY(file.close());
    if (writing)
        return print_line(console, "store-bench: sequential-write: {} bytes in {} writes of {} bytes, then sync: {} ns",
            mebibytes * request_bytes, mebibytes, request_bytes, elapsed);
    return print_line(console, "store-bench: sequential-read: {} bytes in {} reads of {} bytes: {} ns",
        mebibytes * request_bytes, mebibytes, request_bytes, elapsed);
}

/* "f" and five digits: the small file `index`'s name (at most 100,000 files). */
std::string_view small_name(u32 index, char (&name)[6])
{
    name[0] = 'f';
    for (usize digit = 5; digit > 0; --digit, index /= 10)
        name[digit] = static_cast<char>('0' + index % 10);
    return { name, sizeof(name) };
}

u8 small_byte(u32 file, usize index) { return static_cast<u8>('a' + (file * 7 + index) % 26); }

ErrorOr<void> small_files(ConsoleCap const& console, vfs::Client& fs, u32 files)
{
    auto folder = TRY(path_of({ "data", "small" }));
    TRY(fs.create_directory(folder));
    u8 bytes[small_file_bytes];
    char name[6];
    u64 started = system::monotonic_nanoseconds();
    for (u32 file = 0; file < files; ++file) {
        for (usize index = 0; index < small_file_bytes; ++index)
            bytes[index] = small_byte(file, index);
        TRY(fs.write(TRY(folder.try_join(small_name(file, name))), 0, bytes));
    }
    for (u32 file = 0; file < files; ++file)
        TRY(expect(TRY(fs.stat(TRY(folder.try_join(small_name(file, name))))).size == small_file_bytes,
            "a small file has another size"));
    for (u32 file = 0; file < files; ++file) {
        memset(bytes, 0, sizeof(bytes));
        TRY(expect(TRY(fs.read(TRY(folder.try_join(small_name(file, name))), 0, bytes)) == small_file_bytes,
            "a small file read came back short"));
        for (usize index = 0; index < small_file_bytes; ++index)
            TRY(expect(bytes[index] == small_byte(file, index), "a small file holds other bytes"));
    }
    TRY(fs.sync(folder));
    u64 elapsed = system::monotonic_nanoseconds() - started;
    TRY(print_line(console, "store-bench: small-files: {} bytes in {} files of {} bytes created, stat-ed and read, then sync: {} ns",
        u64(files) * small_file_bytes, files, small_file_bytes, elapsed));

    /* What one small change costs to commit in a store of that many files: the store rewrites its whole catalog. */
    for (usize index = 0; index < small_file_bytes; ++index)
        bytes[index] = small_byte(files, index);
    started = system::monotonic_nanoseconds();
    TRY(fs.write(TRY(folder.try_join(small_name(0, name))), 0, bytes));
    TRY(fs.sync(folder));
    elapsed = system::monotonic_nanoseconds() - started;
    return print_line(console, "store-bench: one 100-byte write synced among {} files: {} ns", files, elapsed);
}

}

ErrorOr<i32> store_bench(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::store_bench)); /* generated from footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto fs = TRY(vfs::Client::open(TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies")),
        TRY(system::carve(memory, vfs::Client::transfer_memory_needed(request_bytes))), request_bytes));
    u64 mebibytes = CONFIG_STOREBENCH_SEQUENTIAL_MIB;
    u32 files = CONFIG_STOREBENCH_SMALL_FILES;
    auto buffer = TRY(system::create_memory(memory, request_bytes));
    auto bytes = TRY(system::map_memory(buffer));
    for (usize index = 0; index < bytes.size(); ++index)
        bytes[index] = static_cast<u8>(index * 7);
    TRY(print_line(console, "store-bench: {} MiB sequentially, {} small files, on /data", mebibytes, files));
    TRY(sequential(console, fs, bytes, mebibytes, true));
    TRY(sequential(console, fs, bytes, mebibytes, false));
    TRY(small_files(console, fs, files));
    TRY(print_line(console, "store-bench: done"));
    return 0;
}

}
