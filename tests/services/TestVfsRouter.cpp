/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vfsd as a router (ADR 0022): one namespace over several mounts, and vectra.vfs v4's messages
 * (rename, truncate, sync, listing cursors, 64-bit offsets) — each as a client would use it and
 * as an attacker would: renames into their own subtree, across mounts, of and onto mount points;
 * paths reaching out of a mount; forged and stale listing cursors; offsets near 2^64.
 */

#include "../TestSupport.h"
#include "FilesystemSnapshot.h"
#include "PlacedFilesystem.h"
#include "VfsRequests.h"
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

using namespace vectra;
using namespace vectra::vfs;
using namespace vectra::test;

namespace {

/* A RAM filesystem seen through a read-only mount: every change the router must refuse first. */
class ReadOnlyView final : public Backend {
public:
    explicit ReadOnlyView(Backend& inner)
        : m_inner(&inner)
    {
    }
    std::string_view kind_name() const override { return "ram-read-only"; }
    bool read_only() const override { return true; }
    ErrorOr<NodeStatus> stat(Path const& path) override { return m_inner->stat(path); }
    ErrorOr<void> create_directory(Path const&) override { return unexpected(); }
    ErrorOr<void> remove(Path const&) override { return unexpected(); }
    ErrorOr<void> rename(Path const&, Path const&) override { return unexpected(); }
    ErrorOr<BackendPage> list(Path const& path, u64 cursor, std::span<BackendEntry> into) override
    {
        return m_inner->list(path, cursor, into);
    }
    ErrorOr<u64> write(Path const&, u64, std::span<u8 const>) override { return unexpected(); }
    ErrorOr<FileToken> open(Path const& path, bool create) override
    {
        if (create)
            return unexpected();
        return m_inner->open(path, false);
    }
    void close(FileToken token) override { m_inner->close(token); }
    ErrorOr<usize> read(FileToken token, u64 offset, std::span<u8> into) override { return m_inner->read(token, offset, into); }
    ErrorOr<u64> write(FileToken, u64, std::span<u8 const>) override { return unexpected(); }
    ErrorOr<u64> truncate(FileToken, u64) override { return unexpected(); }
    ErrorOr<NodeStatus> stat(FileToken token) override { return m_inner->stat(token); }
    ErrorOr<void> sync(FileToken token) override { return m_inner->sync(token); }
    ErrorOr<void> sync_all() override { return m_inner->sync_all(); }

private:
    /* The router refuses changes to a read-only mount before reaching here: reaching here is the bug. */
    static Error unexpected()
    {
        FAIL("a change reached a read-only backend");
        return Error(ErrorCode::InvalidArgument, "unreachable");
    }
    Backend* m_inner;
};

struct Mounted {
    test::Arena arena { 4 * MiB };
    RamFilesystem* root;
    RamFilesystem* other;
    RamFilesystem* nested;
    Router router;
    SessionHandler handler { router };

    Mounted()
        : root(test::place_filesystem(arena.reticle(), 32, 64).value())
        , other(test::place_filesystem(arena.reticle(), 32, 64).value())
        , nested(test::place_filesystem(arena.reticle(), 32, 64).value())
    {
        MUST(router.mount(Path::root(), *root));
        MUST(root->create_directory(path({ "mnt" })));
        MUST(router.mount(path({ "mnt", "disk" }), *other));
        MUST(router.mount(path({ "mnt", "disk", "deeper" }), *nested));
    }

    std::string everything() { return snapshot(*root) + "|" + snapshot(*other) + "|" + snapshot(*nested); }
};

/* One RAM filesystem at `/` and a session over it. */
struct Single {
    test::Arena arena { 1 * MiB };
    RamFilesystem* filesystem;
    Router router;
    SessionHandler handler { router };

    Single(u32 nodes, u32 blocks)
        : filesystem(test::place_filesystem(arena.reticle(), nodes, blocks).value())
        , router(test::routed(*filesystem))
    {
    }
};

std::vector<u8> bytes(std::string_view text) { return { text.begin(), text.end() }; }

}

TEST_CASE("one namespace: the longest mount point owns a path and its backend sees the rest")
{
    Mounted mounted;
    auto& handler = mounted.handler;
    /* Mount points are directories of their parent mounts, made at mount time. */
    REQUIRE(mounted.root->stat(path({ "mnt", "disk" })).value().kind == NodeKind::Directory);
    REQUIRE(mounted.other->stat(path({ "deeper" })).value().kind == NodeKind::Directory);

    REQUIRE(call(handler, request(Write { path({ "top" }), 0, data_of("root") })).succeeded());
    REQUIRE(call(handler, request(Write { path({ "mnt", "disk", "inner" }), 0, data_of("other") })).succeeded());
    REQUIRE(call(handler, request(Write { path({ "mnt", "disk", "deeper", "leaf" }), 0, data_of("nested") })).succeeded());
    REQUIRE(read_all(*mounted.root, path({ "top" })).value() == bytes("root"));
    REQUIRE(read_all(*mounted.other, path({ "inner" })).value() == bytes("other"));
    REQUIRE(read_all(*mounted.nested, path({ "leaf" })).value() == bytes("nested"));
    REQUIRE(mounted.root->stat(path({ "mnt", "disk", "inner" })).error().is(ErrorCode::NotFound));
    REQUIRE(mounted.other->stat(path({ "deeper", "leaf" })).error().is(ErrorCode::NotFound));

    /* Reads, stat and listings go to the owning mount. */
    auto read = call(handler, request(Read { path({ "mnt", "disk", "deeper", "leaf" }), 0, 64 })).body<ReadData>();
    REQUIRE(std::string(read.data.span().begin(), read.data.span().end()) == "nested");
    auto listed = call(handler, request(List { path({ "mnt", "disk" }), 0 })).body<Listed>();
    std::set<std::string> names;
    for (auto const& entry : listed.entries)
        names.insert(std::string(entry.name.view()));
    REQUIRE(names == std::set<std::string> { "inner", "deeper" });
    auto status = call(handler, request(Stat { path({ "mnt", "disk" }) })).body<Status>();
    REQUIRE(status.kind == u8(NodeKind::Directory));
    REQUIRE(status.time_confidence == 0); /* vfsd has no wall clock: the time is unknown, and says so */

    /* An open file is routed by its mount too. */
    auto opened = call(handler, request(Open { path({ "mnt", "disk", "inner" }), false })).body<Opened>();
    REQUIRE(call(handler, request(WriteFile { opened.file, 5, data_of("!") })).body<Written>().size == 6);
    REQUIRE(read_all(*mounted.other, path({ "inner" })).value() == bytes("other!"));
    REQUIRE(call(handler, request(SyncFile { opened.file })).succeeded());
    REQUIRE(call(handler, request(Sync { path({ "mnt", "disk" }) })).succeeded());
    REQUIRE(call(handler, request(CloseFile { opened.file })).succeeded());
}

TEST_CASE("the mount table refuses a table that would not be one namespace")
{
    test::Arena arena { 2 * MiB };
    auto* first = test::place_filesystem(arena.reticle(), 8, 8).value();
    auto* second = test::place_filesystem(arena.reticle(), 8, 8).value();
    Router router;
    REQUIRE(router.mount(path({ "a" }), *first).error().is(ErrorCode::InvalidArgument)); /* `/` first */
    REQUIRE_FALSE(router.mount(Path::root(), *first).is_error());
    REQUIRE(router.mount(Path::root(), *second).error().is(ErrorCode::AlreadyExists));
    REQUIRE(router.mount(path({ "missing", "b" }), *second).error().is(ErrorCode::NotFound));
    MUST(first->write(path({ "file" }), 0, bytes("x")));
    REQUIRE(router.mount(path({ "file" }), *second).error().is(VfsError::NotADirectory));
    REQUIRE_FALSE(router.mount(path({ "b" }), *second).is_error());
    REQUIRE(router.mount(path({ "b" }), *second).error().is(ErrorCode::AlreadyExists));
    REQUIRE(router.mount_count() == 2);
    for (usize count = router.mount_count(); count < Router::maximum_mounts; ++count)
        REQUIRE_FALSE(router.mount(path({ "b", std::to_string(count).c_str() }), *second).is_error());
    REQUIRE(router.mount(path({ "c" }), *second).error().is(ErrorCode::OutOfMemory));
}

TEST_CASE("renames stay inside a mount; mount points are neither renamed, renamed onto nor removed")
{
    Mounted mounted;
    auto& handler = mounted.handler;
    MUST(mounted.root->create_directory(path({ "dir" })));
    MUST(mounted.root->write(path({ "dir", "f" }), 0, bytes("f")));
    MUST(mounted.other->write(path({ "g" }), 0, bytes("g")));
    std::string before = mounted.everything();

    struct Refusal {
        char const* what;
        std::vector<u8> bytes;
        Error expected;
    };
    Refusal refusals[] = {
        { "move a file to another mount", request(Rename { path({ "dir", "f" }), path({ "mnt", "disk", "f" }) }), Error(VfsError::CrossMount, "") },
        { "move a file out of a mount", request(Rename { path({ "mnt", "disk", "g" }), path({ "g" }) }), Error(VfsError::CrossMount, "") },
        { "move into a nested mount", request(Rename { path({ "mnt", "disk", "g" }), path({ "mnt", "disk", "deeper", "g" }) }), Error(VfsError::CrossMount, "") },
        { "rename a mount point", request(Rename { path({ "mnt", "disk" }), path({ "mnt", "elsewhere" }) }), Error(VfsError::MountPoint, "") },
        { "rename a nested mount point", request(Rename { path({ "mnt", "disk", "deeper" }), path({ "mnt", "disk", "shallow" }) }), Error(VfsError::MountPoint, "") },
        { "rename onto a mount point", request(Rename { path({ "dir" }), path({ "mnt", "disk" }) }), Error(VfsError::MountPoint, "") },
        { "rename a directory holding a mount point", request(Rename { path({ "mnt" }), path({ "moved" }) }), Error(VfsError::MountPoint, "") },
        { "rename a directory into its own subtree", request(Rename { path({ "dir" }), path({ "dir", "dir" }) }), Error(ErrorCode::InvalidArgument, "") },
        { "rename a directory deep into its own subtree", request(Rename { path({ "mnt" }), path({ "mnt", "x", "y" }) }), Error(VfsError::MountPoint, "") },
        { "remove a mount point", request(Remove { path({ "mnt", "disk" }) }), Error(VfsError::MountPoint, "") },
        { "remove a directory holding a mount point", request(Remove { path({ "mnt" }) }), Error(VfsError::NotEmpty, "") },
        { "create a directory at a mount point", request(CreateDirectory { path({ "mnt", "disk" }) }), Error(ErrorCode::AlreadyExists, "") },
        { "write to a mount point", request(Write { path({ "mnt", "disk" }), 0, data_of("x") }), Error(VfsError::IsADirectory, "") },
    };
    for (auto const& refusal : refusals) {
        INFO(refusal.what);
        auto reply = call(handler, refusal.bytes);
        INFO(reply.error().name());
        REQUIRE(reply.error() == refusal.expected);
        REQUIRE(mounted.everything() == before);
    }
    /* A path cannot climb out of a mount: `..` never decodes (the request is malformed, nothing changes). */
    auto climbing = request(Rename { path({ "mnt", "disk", "g" }), path({ "mnt", "disk", "xx" }) });
    climbing[climbing.size() - 2] = '.';
    climbing[climbing.size() - 1] = '.';
    REQUIRE(call(handler, climbing).is(ErrorCode::MalformedMessage));
    REQUIRE(mounted.everything() == before);

    /* Within a mount a rename moves files and whole directories. */
    REQUIRE(call(handler, request(Rename { path({ "mnt", "disk", "g" }), path({ "mnt", "disk", "deeper2" }) })).succeeded());
    REQUIRE(read_all(*mounted.other, path({ "deeper2" })).value() == bytes("g"));
    REQUIRE(call(handler, request(CreateDirectory { path({ "dir", "sub" }) })).succeeded());
    REQUIRE(call(handler, request(Rename { path({ "dir" }), path({ "mnt", "renamed" }) })).succeeded());
    REQUIRE(read_all(*mounted.root, path({ "mnt", "renamed", "f" })).value() == bytes("f"));
    REQUIRE(mounted.root->stat(path({ "mnt", "renamed", "sub" })).value().kind == NodeKind::Directory);
    REQUIRE(mounted.root->stat(path({ "dir" })).error().is(ErrorCode::NotFound));
}

TEST_CASE("an open file follows its renames and goes stale when removed, even if its node is reused")
{
    Single single(4, 8);
    auto* filesystem = single.filesystem;
    auto& handler = single.handler;
    MUST(filesystem->write(path({ "a" }), 0, bytes("first")));
    auto opened = call(handler, request(Open { path({ "a" }), false })).body<Opened>();
    REQUIRE(call(handler, request(Rename { path({ "a" }), path({ "b" }) })).succeeded());
    REQUIRE(call(handler, request(WriteFile { opened.file, 5, data_of("+") })).succeeded());
    REQUIRE(read_all(*filesystem, path({ "b" })).value() == bytes("first+"));
    REQUIRE(call(handler, request(Remove { path({ "b" }) })).succeeded());
    /* The same node, a new file: the old number must not reach it. */
    MUST(filesystem->write(path({ "c" }), 0, bytes("other")));
    REQUIRE(call(handler, request(ReadFile { opened.file, 0, 16 })).is(ErrorCode::NotFound));
    REQUIRE(call(handler, request(WriteFile { opened.file, 0, data_of("x") })).is(ErrorCode::NotFound));
    REQUIRE(call(handler, request(SyncFile { opened.file })).is(ErrorCode::NotFound));
    REQUIRE(read_all(*filesystem, path({ "c" })).value() == bytes("other"));
    REQUIRE(call(handler, request(CloseFile { opened.file })).succeeded());
}

TEST_CASE("listing cursors: removal between pages skips nothing, forged and stale cursors stay in their directory")
{
    Single single(128, 8);
    auto* filesystem = single.filesystem;
    auto& handler = single.handler;
    MUST(filesystem->create_directory(path({ "d" })));
    MUST(filesystem->create_directory(path({ "elsewhere" })));
    std::set<std::string> expected;
    for (int index = 0; index < 40; ++index) {
        std::string name = "f" + std::to_string(index);
        MUST(filesystem->write(path({ "d", name.c_str() }), 0, {}));
        MUST(filesystem->write(path({ "elsewhere", name.c_str() }), 0, {}));
        expected.insert(name);
    }
    /* First page, then remove an entry already returned: the rest still all come. */
    auto first = call(handler, request(List { path({ "d" }), 0 })).body<Listed>();
    REQUIRE(first.more);
    std::set<std::string> seen;
    for (auto const& entry : first.entries)
        seen.insert(std::string(entry.name.view()));
    std::string removed(first.entries[0].name.view());
    REQUIRE(call(handler, request(Remove { path({ "d", removed.c_str() }) })).succeeded());
    u64 cursor = first.next;
    for (;;) {
        auto page = call(handler, request(List { path({ "d" }), cursor })).body<Listed>();
        for (auto const& entry : page.entries)
            REQUIRE(seen.insert(std::string(entry.name.view())).second); /* never twice */
        if (!page.more)
            break;
        cursor = page.next;
    }
    REQUIRE(seen == expected);

    /* Forged cursors: any value lists only `d`'s entries (or none), each at most once, never crashes. */
    expected.erase(removed);
    for (u64 forged : { u64(1), u64(2), u64(63), u64(127), u64(128), u64(129), u64(0xffffffffu), u64(0x100000000ull), ~u64(0), u64(1) << 63 }) {
        INFO(forged);
        auto page = call(handler, request(List { path({ "d" }), forged })).body<Listed>();
        std::set<std::string> names;
        for (auto const& entry : page.entries) {
            REQUIRE(expected.count(std::string(entry.name.view())) == 1);
            REQUIRE(names.insert(std::string(entry.name.view())).second);
        }
        if (forged >= 128)
            REQUIRE(page.entries.size() == 0);
    }
    /* A cursor taken from another directory is only a position: it lists `d`'s entries from there. */
    auto other = call(handler, request(List { path({ "elsewhere" }), 0 })).body<Listed>();
    auto crossed = call(handler, request(List { path({ "d" }), other.next })).body<Listed>();
    for (auto const& entry : crossed.entries)
        REQUIRE(expected.count(std::string(entry.name.view())) == 1);
}

TEST_CASE("offsets and sizes near 2^64 are refused, never wrapped")
{
    Single single(8, 8);
    auto* filesystem = single.filesystem;
    auto& handler = single.handler;
    MUST(filesystem->write(path({ "f" }), 0, bytes("content")));
    std::string before = snapshot(*filesystem);
    auto opened = call(handler, request(Open { path({ "f" }), false })).body<Opened>();
    for (u64 offset : { ~u64(0), ~u64(0) - 1, ~u64(0) - 511, u64(1) << 63 }) {
        INFO(offset);
        REQUIRE(call(handler, request(WriteFile { opened.file, offset, data_of("xy") })).is(ErrorCode::TooLarge));
        REQUIRE(call(handler, request(Write { path({ "f" }), offset, data_of("xy") })).is(ErrorCode::TooLarge));
        REQUIRE(call(handler, request(Write { path({ "new" }), offset, data_of("xy") })).is(ErrorCode::TooLarge));
        REQUIRE(call(handler, request(ReadFile { opened.file, offset, 512 })).body<ReadData>().data.size() == 0);
        REQUIRE(call(handler, request(Read { path({ "f" }), offset, 512 })).body<ReadData>().data.size() == 0);
        REQUIRE(call(handler, request(TruncateFile { opened.file, offset })).is(ErrorCode::TooLarge));
        REQUIRE(call(handler, request(Truncate { path({ "f" }), offset })).is(ErrorCode::TooLarge));
        REQUIRE(snapshot(*filesystem) == before);
    }
    REQUIRE(call(handler, request(Truncate { path({ "f" }), 3 })).body<Written>().size == 3);
    REQUIRE(read_all(*filesystem, path({ "f" })).value() == bytes("con"));
}

TEST_CASE("a read-only mount refuses every change before its backend sees it, and serves reads")
{
    test::Arena arena { 2 * MiB };
    auto* root = test::place_filesystem(arena.reticle(), 8, 8).value();
    auto* inner = test::place_filesystem(arena.reticle(), 8, 8).value();
    MUST(inner->write(path({ "f" }), 0, bytes("kept")));
    ReadOnlyView view(*inner);
    Router router = test::routed(*root);
    MUST(router.mount(path({ "ro" }), view));
    SessionHandler handler(router);
    auto opened = call(handler, request(Open { path({ "ro", "f" }), false })).body<Opened>();
    REQUIRE(call(handler, request(Write { path({ "ro", "f" }), 0, data_of("x") })).is(VfsError::ReadOnly));
    REQUIRE(call(handler, request(WriteFile { opened.file, 0, data_of("x") })).is(VfsError::ReadOnly));
    REQUIRE(call(handler, request(TruncateFile { opened.file, 0 })).is(VfsError::ReadOnly));
    REQUIRE(call(handler, request(Truncate { path({ "ro", "f" }), 0 })).is(VfsError::ReadOnly));
    REQUIRE(call(handler, request(CreateDirectory { path({ "ro", "d" }) })).is(VfsError::ReadOnly));
    REQUIRE(call(handler, request(Remove { path({ "ro", "f" }) })).is(VfsError::ReadOnly));
    REQUIRE(call(handler, request(Rename { path({ "ro", "f" }), path({ "ro", "g" }) })).is(VfsError::ReadOnly));
    REQUIRE(call(handler, request(Open { path({ "ro", "new" }), true })).is(VfsError::ReadOnly));
    auto read = call(handler, request(ReadFile { opened.file, 0, 16 })).body<ReadData>();
    REQUIRE(std::string(read.data.span().begin(), read.data.span().end()) == "kept");
    REQUIRE(read_all(*inner, path({ "f" })).value() == bytes("kept"));
}
