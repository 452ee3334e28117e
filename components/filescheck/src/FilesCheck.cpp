/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * files-check (image files): vfsd's one namespace — the RAM tree at `/`, a FAT32 partition at
 * `/boot` — used through one vfsd session as a program would (ADR 0022). Each boot reads the file
 * the image builder put on /boot, checks what the previous boot synced (its journal's every byte
 * and the boot count), writes a new journal under a temporary name, syncs it and renames it into
 * place, syncs the mount, lists a directory of 40 files in pages, and is refused what vfsd
 * refuses: a rename across mounts, removing the mount point, a directory moved into itself, a
 * FAT32 file past 4 GiB. On `/data`, the crash-safe store (formatted by vfsd at the first boot),
 * each boot checks every byte of the journal the previous boot synced there and writes, syncs and
 * renames a new one into place the same way, and keeps a SQLite database there (Notes.cpp).
 */

#include "Notes.h"
#include <string.h>
#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/footprints/files_check.h>
#include <vectra/fs/Client.h>

VECTRA_TASK_ENTRY(files_check);

namespace vectra {

namespace {

constexpr usize session_bytes = 128 * KiB;
/* Whole SQLite pages in one vfsd request (read-buffer, write-buffer), from the session's memory. */
constexpr usize transfer_bytes = 32 * KiB;
static_assert(vfs::Client::transfer_memory_needed(transfer_bytes) <= session_bytes);
constexpr usize journal_bytes = 20000;
constexpr u32 many_files = 40;

u8 journal_byte(u64 boot, usize index) { return static_cast<u8>(index * 131 + boot * 17 + index / 509); }

ErrorOr<Path> path_of(std::initializer_list<std::string_view> components)
{
    Path path = Path::root();
    for (auto component : components)
        path = TRY(path.try_join(component));
    return path;
}

ErrorOr<void> expect(bool holds, char const* what)
{
    if (!holds)
        return Error(ErrorCode::InvalidArgument, what);
    return {};
}

/* The error a refused call gave, by name ("accepted" when it was not refused). */
template<typename T>
char const* refusal(ErrorOr<T> const& result)
{
    return result.is_error() ? result.error().name() : "accepted";
}

ErrorOr<u64> read_boot_count(vfs::Client& fs, Path const& path)
{
    u8 bytes[8] {};
    usize length = TRY(fs.read(path, 0, bytes));
    TRY(expect(length == sizeof(bytes), "the boot count is not 8 bytes"));
    u64 count = 0;
    for (usize index = 0; index < sizeof(bytes); ++index)
        count |= u64(bytes[index]) << (8 * index);
    return count;
}

/* Every byte of the journal boot `boot` wrote. */
ErrorOr<void> check_journal(vfs::Client& fs, Path const& path, u64 boot)
{
    TRY(expect(TRY(fs.stat(path)).size == journal_bytes, "the previous boot's journal has another size"));
    u8 buffer[vfs::maximum_transfer];
    for (usize done = 0; done < journal_bytes;) {
        usize length = TRY(fs.read(path, done, buffer));
        TRY(expect(length > 0, "the previous boot's journal ends early"));
        for (usize index = 0; index < length; ++index)
            TRY(expect(buffer[index] == journal_byte(boot, done + index), "the previous boot's journal holds other bytes"));
        done += length;
    }
    return {};
}

ErrorOr<void> write_journal(vfs::Client& fs, Path const& path, u64 boot)
{
    auto file = TRY(fs.open(path, vfs::Client::Create::IfMissing));
    u8 buffer[vfs::maximum_transfer];
    for (usize done = 0; done < journal_bytes; done += sizeof(buffer)) {
        usize length = journal_bytes - done < sizeof(buffer) ? journal_bytes - done : sizeof(buffer);
        for (usize index = 0; index < length; ++index)
            buffer[index] = journal_byte(boot, done + index);
        TRY(file.write_at(done, std::span<u8 const>(buffer, length)));
    }
    TRY(file.sync());
    TRY(file.close());
    return {};
}

/* /data, the store: the previous boot's synced journal (none at the first boot), then this boot's. */
ErrorOr<void> run_data(ConsoleCap const& console, vfs::Client& fs, u64 boot)
{
    auto kept = TRY(path_of({ "data", "kept" }));
    auto journal = TRY(path_of({ "data", "kept", "journal.txt" }));
    auto fresh = TRY(path_of({ "data", "kept", "journal.new" }));
    auto found = fs.stat(kept);
    if (boot == 1) {
        TRY(expect(found.is_error() && found.error().is(ErrorCode::NotFound), "/data holds files at the first boot"));
        TRY(fs.create_directory(kept));
    } else {
        TRY(expect(!found.is_error(), "/data lost the directory the previous boot synced"));
        TRY(check_journal(fs, journal, boot - 1));
        TRY(print_line(console, "files-check: boot {}: boot {}'s synced journal on /data ({} bytes) is there, every byte",
            boot, boot - 1, journal_bytes));
    }
    TRY(write_journal(fs, fresh, boot));
    if (boot > 1)
        TRY(fs.remove(journal));
    TRY(fs.rename(fresh, journal));
    TRY(fs.sync(kept));
    TRY(check_journal(fs, journal, boot));
    TRY(expect(fs.stat(fresh).error().is(ErrorCode::NotFound), "the temporary journal on /data outlived its rename"));
    TRY(print_line(console, "files-check: boot {}: wrote a {}-byte journal on /data, synced it, renamed it into place, synced /data",
        boot, journal_bytes));
    return {};
}

ErrorOr<void> run(ConsoleCap const& console, vfs::Client& fs, ReticleCap const& memory)
{
    /* What the image builder put on /boot. */
    auto hello = TRY(path_of({ "boot", "hello.txt" }));
    u8 text[vfs::maximum_transfer];
    usize length = TRY(fs.read(hello, 0, text));
    while (length > 0 && (text[length - 1] == '\n' || text[length - 1] == '\r'))
        --length;
    auto status = TRY(fs.stat(hello));
    TRY(print_line(console, "files-check: /boot/hello.txt from the image builder: \"{}\" ({} bytes, time confidence {})",
        std::string_view(reinterpret_cast<char const*>(text), length), status.size,
        status.time_confidence == 0 ? "unknown" : "known"));

    /* What the previous boot synced, if there was one. */
    auto state = TRY(path_of({ "boot", "state" }));
    auto boots = TRY(path_of({ "boot", "state", "boots" }));
    auto journal = TRY(path_of({ "boot", "state", "journal.txt" }));
    auto fresh = TRY(path_of({ "boot", "state", "journal.new" }));
    auto many = TRY(path_of({ "boot", "many" }));
    u64 previous = 0;
    auto found = fs.stat(state);
    if (found.is_error()) {
        TRY(expect(found.error().is(ErrorCode::NotFound), "stat of /boot/state failed"));
        TRY(print_line(console, "files-check: first boot: no earlier files on /boot"));
        TRY(fs.create_directory(state));
        TRY(fs.create_directory(many));
        for (u32 index = 0; index < many_files; ++index) {
            FixedString<32> name;
            format_into(name, "Entry number {}.txt", index);
            TRY(fs.write(TRY(many.try_join(name.view())), 0, std::span<u8 const>(reinterpret_cast<u8 const*>(name.view().data()), name.length())));
        }
    } else {
        previous = TRY(read_boot_count(fs, boots));
        TRY(check_journal(fs, journal, previous));
        TRY(print_line(console, "files-check: boot {}: boot {}'s synced journal ({} bytes) and boot count are there, every byte",
            previous + 1, previous, journal_bytes));
    }

    /* A new journal: written under a temporary name, synced, renamed into place; then the mount synced. */
    u64 boot = previous + 1;
    TRY(write_journal(fs, fresh, boot));
    if (previous > 0)
        TRY(fs.remove(journal));
    TRY(fs.rename(fresh, journal));
    u8 count[8];
    for (usize index = 0; index < sizeof(count); ++index)
        count[index] = static_cast<u8>(boot >> (8 * index));
    TRY(fs.write(boots, 0, count));
    TRY(fs.sync(state));
    TRY(check_journal(fs, journal, boot));
    TRY(expect(fs.stat(fresh).error().is(ErrorCode::NotFound), "the temporary journal outlived its rename"));
    TRY(print_line(console, "files-check: boot {}: wrote a {}-byte journal, synced it, renamed it into place, synced /boot",
        boot, journal_bytes));
    TRY(run_data(console, fs, boot));
    TRY(files_check::check_notes(console, fs, memory, boot));

    /* A directory of 40 entries, listed in pages by vfsd's cursor. */
    u64 cursor = 0;
    usize entries = 0;
    usize pages = 0;
    for (;;) {
        auto page = TRY(fs.list(many, cursor));
        ++pages;
        entries += page.count;
        if (!page.more)
            break;
        cursor = page.next;
    }
    TRY(expect(entries == many_files, "a paged listing of /boot/many missed or repeated entries"));
    TRY(print_line(console, "files-check: listed {} entries of /boot/many in {} pages", entries, pages));

    /* What vfsd refuses. */
    auto outside = TRY(path_of({ "journal.txt" }));
    auto cross = fs.rename(journal, outside);
    auto mount_point = fs.remove(TRY(path_of({ "boot" })));
    auto into_itself = fs.rename(many, TRY(many.try_join("inside")));
    auto too_large = fs.write(TRY(path_of({ "boot", "huge" })), 0xffffffffull, std::span<u8 const>(count, 2));
    TRY(print_line(console, "files-check: rename /boot -> /: {}; remove /boot: {}; a directory into itself: {}; past 4 GiB: {}",
        refusal(cross), refusal(mount_point), refusal(into_itself), refusal(too_large)));
    TRY(expect(cross.is_error() && cross.error().is(vfs::VfsError::CrossMount), "a rename across mounts was not refused"));
    TRY(expect(mount_point.is_error() && mount_point.error().is(vfs::VfsError::MountPoint), "the mount point was removable"));
    TRY(expect(into_itself.is_error() && too_large.is_error(), "a refusal was accepted"));
    TRY(expect(fs.stat(TRY(path_of({ "boot", "huge" }))).error().is(ErrorCode::NotFound), "a refused write left a file"));

    /* The RAM tree at / is another mount: its files are not on /boot. */
    TRY(fs.write(TRY(path_of({ "scratch.txt" })), 0, std::span<u8 const>(count, 8)));
    TRY(expect(fs.stat(TRY(path_of({ "boot", "scratch.txt" }))).error().is(ErrorCode::NotFound), "a RAM file appeared on /boot"));
    TRY(print_line(console, "files-check: every refusal as declared"));
    return {};
}

}

namespace task_entries {

ErrorOr<i32> files_check(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::files_check));
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto client = vfs::Client::open(TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies")),
        TRY(system::carve(memory, session_bytes)), transfer_bytes);
    if (client.is_error()) {
        TRY(print_line(console, "files-check: FAILED to open a vfsd session: {}", client.error().name()));
        return 1;
    }
    auto result = run(console, client.value(), memory);
    if (result.is_error()) {
        TRY(print_line(console, "files-check: FAILED: {} ({})", result.error().name(), result.error().message()));
        return 1;
    }
    TRY(print_line(console, "files-check: passed"));
    return 0;
}

}

}
