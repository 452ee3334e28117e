/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The vfsd self-check: a client Task that exercises every message of vfsd's Ring schema,
 * then sends malformed requests and checks vfsd answers each with an error and keeps serving.
 * Its transcript is stable and documented in services/initd/README.md; image oracles match it.
 */

#include <string.h>
#include <vectra/Bytes.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/SystemClock.h>
#include <vectra/TaskEntry.h>
#include <vectra/fs/Client.h>

VECTRA_TASK_ENTRY(vfs_selfcheck);

namespace vectra::task_entries {

namespace {

using vfs::Client;

/* One step of the transcript: prints "ok" or the failure, and stops the check on failure. */
#define STEP(console, description, expression)                                                      \
    ({                                                                                              \
        auto _step = (expression);                                                                  \
        if (_step.is_error()) {                                                                     \
            TRY(print_line(console, "selfcheck: {} FAILED: {} ({})", description,                    \
                _step.error().name(), _step.error().message()));                                     \
            return 1;                                                                               \
        }                                                                                           \
        _step.release_value();                                                                      \
    })

ErrorOr<void> expect(bool condition, char const* what)
{
    if (!condition)
        return Error(ErrorCode::InvalidArgument, what);
    return {};
}

ErrorOr<ErrorCode> send_malformed(Client& client, std::span<u8 const> bytes)
{
    return TRY(client.send_raw(bytes)).error().code();
}

}

ErrorOr<i32> vfs_selfcheck(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto client = STEP(console, "open session", Client::open(TRY(bundle.take<RingCap>("requests")),
                                                    TRY(bundle.take<RingCap>("replies")), TRY(bundle.take<ReticleCap>("memory"))));

    Path directory = TRY(Path::root().try_join("selfcheck"));
    Path file = TRY(directory.try_join("hello.txt"));
    constexpr std::string_view content = "hello, vectra\n";

    STEP(console, "create-directory", client.create_directory(directory));
    TRY(print_line(console, "selfcheck: create-directory {} ok", directory));

    u64 size = STEP(console, "write", client.write(file, 0, as_bytes(content)));
    STEP(console, "write size", expect(size == content.size(), "vfsd reported a different file size"));
    TRY(print_line(console, "selfcheck: write {} {} bytes ok", file, size));

    u8 buffer[64] {};
    usize length = STEP(console, "read", client.read(file, 0, buffer));
    std::string_view text = as_text(std::span<u8 const>(buffer, length));
    STEP(console, "read content", expect(text == content, "read back different bytes than written"));
    TRY(print_line(console, "selfcheck: read {} \"{}\" ok", file, "hello, vectra\\n"));

    auto listing = STEP(console, "list", client.list(directory));
    STEP(console, "list content", expect(listing.count == 1 && listing.names[0] == "hello.txt" && !listing.more,
                                      "listing differs from the one file written"));
    TRY(print_line(console, "selfcheck: list {} -> {} ok", directory, listing.names[0].view()));

    auto status = STEP(console, "stat", client.stat(file));
    STEP(console, "stat content", expect(status.kind == vfs::NodeKind::File && status.size == content.size(), "stat differs"));
    TRY(print_line(console, "selfcheck: stat {} file {} bytes ok", file, status.size));

    /* Malformed traffic: each gets an error reply, and vfsd keeps serving afterwards. */
    constexpr u8 truncated[] = { 0x02, 0x00, 0x01 };
    auto code = STEP(console, "malformed request", send_malformed(client, truncated));
    STEP(console, "malformed request", expect(code == ErrorCode::MalformedMessage, "vfsd accepted a truncated header"));
    TRY(print_line(console, "selfcheck: malformed request -> error {} ok", error_code_name(code)));

    /* create-directory of a path whose one component is "..": must never resolve. */
    constexpr u8 escape[] = { 0x01, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, '.', '.' };
    code = STEP(console, "path escape", send_malformed(client, escape));
    STEP(console, "path escape", expect(code == ErrorCode::MalformedMessage, "vfsd accepted a \"..\" component"));
    TRY(print_line(console, "selfcheck: path escape \"..\" -> error {} ok", error_code_name(code)));

    constexpr u8 unknown[] = { 0x63, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00 };
    code = STEP(console, "unknown message", send_malformed(client, unknown));
    STEP(console, "unknown message", expect(code == ErrorCode::UnknownMessage, "vfsd accepted an unknown message type"));
    TRY(print_line(console, "selfcheck: unknown message -> error {} ok", error_code_name(code)));

    /* A read asking for more than one reply carries gets a short read, and vfsd keeps serving. */
    Path large = TRY(directory.try_join("large.bin"));
    u8 piece[400];
    memset(piece, 'L', sizeof(piece));
    STEP(console, "write large", client.write(large, 0, piece));
    u64 large_size = STEP(console, "write large", client.write(large, sizeof(piece), piece));
    u8 wide[600];
    usize got = STEP(console, "read large", client.read(large, 0, wide));
    STEP(console, "read large", expect(got == vfs::maximum_read_length, "a read did not stop at what one reply carries"));
    TRY(print_line(console, "selfcheck: read {} of {} bytes -> {} (one reply) ok", sizeof(wide), large_size, got));

    /* A refused write to a missing path must not create it. */
    Path refused = TRY(directory.try_join("refused"));
    auto too_large = client.write(refused, u64(1) << 40, as_bytes("x")); /* 1 TiB: past any file vfsd holds */
    STEP(console, "refused write", expect(too_large.is_error() && too_large.error().code() == ErrorCode::TooLarge,
                                       "vfsd accepted a write past the largest file"));
    auto absent = client.stat(refused);
    STEP(console, "refused write", expect(absent.is_error() && absent.error().code() == ErrorCode::NotFound,
                                       "a refused write created its file"));
    TRY(print_line(console, "selfcheck: refused write {} -> error {}, not created ok", refused, too_large.error().name()));
    STEP(console, "remove large", client.remove(large));

    auto not_empty = client.remove(directory);
    STEP(console, "remove non-empty", expect(not_empty.is_error() && not_empty.error().is(vfs::VfsError::NotEmpty),
                                          "vfsd removed a non-empty directory"));
    TRY(print_line(console, "selfcheck: remove {} -> error not-empty ok", directory));

    STEP(console, "remove", client.remove(file));
    TRY(print_line(console, "selfcheck: remove {} ok", file));
    STEP(console, "remove", client.remove(directory));
    auto gone = client.stat(directory);
    STEP(console, "remove", expect(gone.is_error() && gone.error().code() == ErrorCode::NotFound, "directory still exists"));
    TRY(print_line(console, "selfcheck: remove {} ok", directory));

    /* The deadline timer: a wait with a deadline 2 ms out wakes on its bit, not before. */
    constexpr SignalBit deadline_bit { 40 };
    u64 deadline = deadline_after(Duration::from_milliseconds(2));
    u64 woke = system::wait_until(0, deadline, deadline_bit);
    STEP(console, "timer", expect(woke == deadline_bit.mask() && monotonic_now().nanoseconds_since_boot() >= deadline,
                              "woke before the deadline or on the wrong bit"));
    TRY(print_line(console, "selfcheck: timer deadline 2 ms ok"));

    TRY(print_line(console, "selfcheck: passed"));
    return 0;
}

}
