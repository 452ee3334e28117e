/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The fs client against vfsd's real request handler, over real Rings, with both ends running
 * as Tasks on the executor.
 */

#include "../TestSupport.h"
#include "FsTestTasks.h"
#include <catch2/catch.hpp>
#include <algorithm>
#include <string>
#include <vector>
#include <vectra/Bundle.h>
#include <vectra/kernel/Executor.h>
#include <vectra/Try.h>
#include <vectra/Service.h>
#include <vectra/fs/Client.h>
#include <vfsd/Server.h>

using namespace vectra;

namespace {


ErrorOr<i32> server(Bundle& bundle)
{
    auto served = TRY(test::start_server(bundle));
    /* vfsd's own session loop: it returns only when the listener fails. */
    TRY(vfs::serve_sessions(served.service, std::move(served.requests), std::move(served.replies)));
    return 0;
}

ErrorOr<i32> client(Bundle& bundle)
{
    auto fs = TRY(test::open_client(bundle));
    Path notes = TRY(Path::root().try_join("notes"));
    Path today = TRY(notes.try_join("today.txt"));

    EXPECT_IN_TASK(fs.open(today).error().is(ErrorCode::NotFound));
    TRY(fs.create_directory(notes));
    EXPECT_IN_TASK(fs.create_directory(notes).error().is(ErrorCode::AlreadyExists));
    EXPECT_IN_TASK(fs.open(notes).error().is(vfs::VfsError::IsADirectory));
    auto file = TRY(fs.open(today, vfs::Client::Create::IfMissing));
    EXPECT_IN_TASK(TRY(file.size()) == 0);
    EXPECT_IN_TASK(TRY(file.write_at(0, as_bytes("first line\n"))) == 11);
    EXPECT_IN_TASK(TRY(file.write_at(11, as_bytes("second\n"))) == 18);
    u8 buffer[32];
    usize length = TRY(file.read_at(6, buffer));
    EXPECT_IN_TASK(as_text(std::span<u8 const>(buffer, length)) == "line\nsecond\n");
    /* truncate-file: shorter drops bytes, longer reads zeros up to the new size. */
    TRY(file.truncate(5));
    EXPECT_IN_TASK(TRY(file.size()) == 5);
    TRY(file.truncate(8));
    length = TRY(file.read_at(0, buffer));
    EXPECT_IN_TASK(as_text(std::span<u8 const>(buffer, length)) == std::string_view("first\0\0\0", 8));
    EXPECT_IN_TASK(file.truncate(~u64(0)).error().is(ErrorCode::TooLarge));
    TRY(file.write_at(5, as_bytes(" line\nsecond\n")));
    /* v4: sync, stat with its time's confidence, rename (the open file follows it), truncate by path. */
    TRY(file.sync());
    TRY(fs.sync(notes));
    auto status = TRY(file.stat());
    EXPECT_IN_TASK(status.kind == vfs::NodeKind::File && status.size == 18 && status.time_confidence == 0);
    Path renamed = TRY(notes.try_join("renamed.txt"));
    TRY(fs.rename(today, renamed));
    EXPECT_IN_TASK(fs.stat(today).error().is(ErrorCode::NotFound));
    EXPECT_IN_TASK(TRY(file.size()) == 18);
    EXPECT_IN_TASK(fs.rename(notes, TRY(notes.try_join("inside"))).error().is(ErrorCode::InvalidArgument));
    EXPECT_IN_TASK(fs.rename(renamed, notes).error().is(ErrorCode::AlreadyExists));
    EXPECT_IN_TASK(TRY(fs.truncate(renamed, 18)) == 18);
    TRY(fs.rename(renamed, today));
    auto listing = TRY(fs.list(notes));
    EXPECT_IN_TASK(listing.count == 1 && listing.names[0] == "today.txt");
    EXPECT_IN_TASK(fs.remove(notes).error().is(vfs::VfsError::NotEmpty));
    TRY(fs.remove(today));
    EXPECT_IN_TASK(file.size().error().is(ErrorCode::NotFound));
    EXPECT_IN_TASK(file.read_at(0, buffer).error().is(ErrorCode::NotFound));
    TRY(file.close());
    EXPECT_IN_TASK(file.size().error().is(vfs::VfsError::NoSuchFile));
    EXPECT_IN_TASK(file.close().error().is(vfs::VfsError::NoSuchFile));
    TRY(fs.remove(notes));

    /* The session's open-file quota: four at once, the fifth refused until one closes. */
    Path quota = TRY(Path::root().try_join("quota"));
    std::vector<vfs::File> files;
    for (usize index = 0; index < vfs::open_files_per_session; ++index)
        files.push_back(TRY(fs.open(quota, vfs::Client::Create::IfMissing)));
    EXPECT_IN_TASK(fs.open(quota).error().is(vfs::VfsError::TooManyOpenFiles));
    TRY(files[1].close());
    auto again = TRY(fs.open(quota));
    EXPECT_IN_TASK(again.number() == files[1].number());
    return 0;
}

/*
 * Runs `client_entry` as a Task against vfsd's session loop in another Task, over a real
 * listener and real session Rings, then checks the server served until the listener was reset
 * (no request made it exit).
 */
void run_with_server(TaskEntry client_entry)
{
    Error server_exit = test::run_server_and_client(server, client_entry, { 4 * MiB, 512 * KiB, 512 * KiB, 128 * KiB, 128 * KiB });
    REQUIRE(server_exit.code() == ErrorCode::PeerRestarted);
}

/* Writes `data` in pieces that each fit one request slot. */
ErrorOr<void> write_all(vfs::Client& fs, Path const& path, u64 offset, std::span<u8 const> data)
{
    constexpr usize piece = vfs::maximum_transfer;
    for (usize done = 0; done < data.size(); done += piece)
        TRY(fs.write(path, offset + done, data.subspan(done, std::min(piece, data.size() - done))));
    return {};
}

ErrorOr<i32> boundary_client(Bundle& bundle)
{
    auto fs = TRY(test::open_client(bundle));
    Path file = TRY(Path::root().try_join("boundary"));
    std::vector<u8> content(1200);
    for (usize index = 0; index < content.size(); ++index)
        content[index] = static_cast<u8>(index * 31 + 7);
    TRY(write_all(fs, file, 0, content));

    /* Every read length 480..520 (and far beyond), from offsets leaving 470..530 bytes. */
    std::vector<u8> buffer(4096);
    for (usize left = 470; left <= 530; ++left) {
        u64 offset = content.size() - left;
        for (usize asked = 480; asked <= 521; ++asked) {
            if (asked == 521)
                asked = buffer.size();
            usize length = TRY(fs.read(file, offset, std::span<u8>(buffer.data(), asked)));
            EXPECT_IN_TASK(length == std::min({ left, asked, vfs::maximum_read_length }));
            EXPECT_IN_TASK(std::equal(buffer.begin(), buffer.begin() + static_cast<long>(length), content.begin() + static_cast<long>(offset)));
        }
    }
    /* The declared read asking for 65535 bytes: a short read, not a lost server. */
    EXPECT_IN_TASK(TRY(fs.call(vfs::Read { file, 0, 0xffff })).data.size() == vfs::maximum_transfer);

    /* Listings of 15, 16 and 17 entries: one reply carries 16, `more` says when to go on. */
    Path directory = TRY(Path::root().try_join("listing"));
    TRY(fs.create_directory(directory));
    for (usize count = 1; count <= 17; ++count) {
        TRY(fs.write(TRY(directory.try_join(std::string(Path::maximum_component_length - count, 'a'))), 0, {}));
        auto listing = TRY(fs.list(directory));
        EXPECT_IN_TASK(listing.count == std::min<usize>(count, vfs::maximum_list_entries));
        EXPECT_IN_TASK(listing.more == (count > vfs::maximum_list_entries));
        if (listing.more) {
            auto rest = TRY(fs.list(directory, listing.next));
            EXPECT_IN_TASK(rest.count == count - vfs::maximum_list_entries && !rest.more);
        }
    }
    EXPECT_IN_TASK(TRY(fs.stat(file)).size == content.size());
    return 0;
}

/* Everything a client can see of the tree: each node's path, kind, size and content. */
ErrorOr<void> snapshot_directory(vfs::Client& fs, Path const& directory, std::string const& prefix, std::string& out)
{
    u32 first = 0;
    for (;;) {
        auto listing = TRY(fs.list(directory, first));
        for (usize index = 0; index < listing.count; ++index) {
            std::string name(listing.names[index].view());
            Path child = TRY(directory.try_join(name));
            auto status = TRY(fs.stat(child));
            out += (status.kind == vfs::NodeKind::Directory ? "d " : "f ") + prefix + "/" + name + " "
                + std::to_string(status.size) + "\n";
            if (status.kind == vfs::NodeKind::Directory) {
                TRY(snapshot_directory(fs, child, prefix + "/" + name, out));
                continue;
            }
            std::vector<u8> content(static_cast<usize>(status.size));
            for (usize done = 0; done < content.size();) {
                usize length = TRY(fs.read(child, done, std::span<u8>(content).subspan(done)));
                if (length == 0)
                    return Error(ErrorCode::MalformedMessage, "a file read short of its size");
                done += length;
            }
            out.append(content.begin(), content.end());
            out += "\n";
        }
        if (!listing.more)
            return {};
        first = listing.next;
    }
}

ErrorOr<std::string> snapshot(vfs::Client& fs)
{
    std::string out;
    TRY(snapshot_directory(fs, Path::root(), "", out));
    return out;
}

#define EXPECT_REFUSED_UNCHANGED(call, expected)                       \
    do {                                                              \
        std::string before = TRY(snapshot(fs));                       \
        auto result = (call);                                         \
        EXPECT_IN_TASK(result.is_error() && result.error().is(expected));       \
        EXPECT_IN_TASK(TRY(snapshot(fs)) == before);                  \
    } while (0)

ErrorOr<i32> refusal_client(Bundle& bundle)
{
    auto fs = TRY(test::open_client(bundle));
    Path directory = TRY(Path::root().try_join("d"));
    Path small = TRY(directory.try_join("small"));
    Path full = TRY(Path::root().try_join("full"));
    Path fresh = TRY(Path::root().try_join("fresh"));
    TRY(fs.create_directory(directory));
    TRY(fs.write(small, 0, as_bytes("small file\n")));
    u64 largest = u64(vfs::RamFilesystem::blocks_per_file) * vfs::RamFilesystem::block_size;
    EXPECT_REFUSED_UNCHANGED(fs.write(fresh, largest, as_bytes("x")), ErrorCode::TooLarge);
    EXPECT_REFUSED_UNCHANGED(fs.write(fresh, ~u64(0), as_bytes("x")), ErrorCode::TooLarge);
    EXPECT_REFUSED_UNCHANGED(fs.write(TRY(small.try_join("x")), 0, as_bytes("x")), vfs::VfsError::NotADirectory);
    EXPECT_REFUSED_UNCHANGED(fs.write(directory, 0, as_bytes("x")), vfs::VfsError::IsADirectory);
    EXPECT_REFUSED_UNCHANGED(fs.write(small, largest - 1, as_bytes("xy")), ErrorCode::TooLarge);
    EXPECT_REFUSED_UNCHANGED(fs.create_directory(directory), ErrorCode::AlreadyExists);
    EXPECT_REFUSED_UNCHANGED(fs.create_directory(TRY(small.try_join("x"))), vfs::VfsError::NotADirectory);
    EXPECT_REFUSED_UNCHANGED(fs.remove(directory), vfs::VfsError::NotEmpty);
    EXPECT_REFUSED_UNCHANGED(fs.remove(fresh), ErrorCode::NotFound);
    EXPECT_REFUSED_UNCHANGED(fs.remove(Path::root()), ErrorCode::InvalidArgument);

    /* Use up every block the server has (64 × 512 bytes less the small file's one). */
    std::vector<u8> filler(32 * KiB - 512, 'F');
    TRY(write_all(fs, full, 0, filler));
    EXPECT_REFUSED_UNCHANGED(fs.write(fresh, 0, as_bytes("x")), vfs::VfsError::NoSpace);
    EXPECT_REFUSED_UNCHANGED(fs.write(full, filler.size(), as_bytes("x")), vfs::VfsError::NoSpace);
    EXPECT_IN_TASK(fs.stat(fresh).error().is(ErrorCode::NotFound));
    /* Removing frees the blocks, and the refused path can then be written. */
    TRY(fs.remove(full));
    EXPECT_IN_TASK(TRY(fs.write(fresh, 0, as_bytes("x"))) == 1);
    return 0;
}

/* v5: reads and writes over one message's body go through the client's transfer buffer, lent per call. */
ErrorOr<i32> transfer_client(Bundle& bundle)
{
    constexpr usize transfer = 16 * KiB;
    auto fs = TRY(vfs::Client::open(TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies")),
        TRY(bundle.take<ReticleCap>("memory")), transfer));
    EXPECT_IN_TASK(fs.transfer_size() == transfer);
    auto file = TRY(fs.open(TRY(Path::root().try_join("large")), vfs::Client::Create::IfMissing));
    std::vector<u8> content(12 * KiB);
    for (usize index = 0; index < content.size(); ++index)
        content[index] = static_cast<u8>(index * 29 + index / 512);
    /* One request each way: 12 KiB written, all of it read back from offset 100 (a short read at the end). */
    EXPECT_IN_TASK(TRY(file.write_at(0, content)) == content.size());
    std::vector<u8> buffer(20 * KiB, 0x55);
    usize length = TRY(file.read_at(100, buffer));
    EXPECT_IN_TASK(length == content.size() - 100);
    EXPECT_IN_TASK(std::equal(buffer.begin(), buffer.begin() + static_cast<long>(length), content.begin() + 100));
    EXPECT_IN_TASK(buffer[length] == 0x55); /* nothing past what came */
    /* A write larger than the transfer buffer is refused whole; the file keeps its bytes. */
    std::vector<u8> too_large(transfer + 1, 0xee);
    EXPECT_IN_TASK(file.write_at(0, too_large).error().is(ErrorCode::TooLarge));
    EXPECT_IN_TASK(TRY(file.size()) == content.size());
    /* Inline writes and buffer reads see the same file. */
    TRY(file.write_at(4096, as_bytes("inline")));
    length = TRY(file.read_at(4000, std::span<u8>(buffer.data(), 8 * KiB)));
    EXPECT_IN_TASK(length == 8 * KiB);
    EXPECT_IN_TASK(as_text(std::span<u8 const>(buffer.data() + 96, 6)) == "inline");
    EXPECT_IN_TASK(buffer[95] == content[4095] && buffer[102] == content[4102]);
    /* A file larger than one buffer read: the caller's loop gets it in transfer-sized pieces. */
    std::vector<u8> whole(content.size());
    usize done = 0;
    while (done < whole.size())
        done += TRY(file.read_at(done, std::span<u8>(whole.data() + done, whole.size() - done)));
    EXPECT_IN_TASK(done == content.size());
    /* A view (`whole` is the file now): the bytes read into the transfer buffer, not copied out; at most the buffer's size, short at the end. */
    auto view = TRY(file.read_view(100, 20 * KiB));
    EXPECT_IN_TASK(view.size() == whole.size() - 100);
    EXPECT_IN_TASK(std::equal(view.begin(), view.end(), whole.begin() + 100));
    view = TRY(file.read_view(0, 64 * KiB));
    EXPECT_IN_TASK(view.size() == whole.size()); /* 12 KiB: under the 16 KiB buffer */
    EXPECT_IN_TASK(std::equal(view.begin(), view.end(), whole.begin()));
    EXPECT_IN_TASK(TRY(file.read_view(whole.size(), 10)).empty());
    /* The next call's bytes replace it: the view is the buffer itself. */
    auto first = TRY(file.read_view(0, 4));
    (void)TRY(file.read_view(8, 4));
    EXPECT_IN_TASK(std::equal(first.begin(), first.end(), whole.begin() + 8));
    TRY(file.close());
    return 0;
}

/* Without a transfer buffer there is nothing to view: refused, the file as it was. */
ErrorOr<i32> view_without_transfer_client(Bundle& bundle)
{
    auto fs = TRY(vfs::Client::open(TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies")),
        TRY(bundle.take<ReticleCap>("memory"))));
    auto file = TRY(fs.open(TRY(Path::root().try_join("small")), vfs::Client::Create::IfMissing));
    TRY(file.write_at(0, as_bytes("bytes")));
    EXPECT_IN_TASK(file.read_view(0, 5).error().is(ErrorCode::Unsupported));
    u8 buffer[5];
    EXPECT_IN_TASK(TRY(file.read_at(0, buffer)) == 5);
    TRY(file.close());
    return 0;
}

}

TEST_CASE("without a transfer buffer a read's view is refused")
{
    run_with_server(view_without_transfer_client);
}

TEST_CASE("the fs client moves more than one message's body through its transfer buffer (v5)")
{
    run_with_server(transfer_client);
}

TEST_CASE("the fs client opens, reads, writes, lists and removes through vfsd's handler, with typed errors")
{
    run_with_server(client);
}

TEST_CASE("reads around what one reply carries get short replies, lists go on with `more`; vfsd keeps serving")
{
    run_with_server(boundary_client);
}

TEST_CASE("a call vfsd refuses leaves the tree, as the client sees it, as it was")
{
    run_with_server(refusal_client);
}
