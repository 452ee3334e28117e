/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.vfs v5's read-buffer and write-buffer against vfsd's handler, in a Task that lends
 * MemCaps as a client does: bytes moved through the carried copy, and as an attacker — a read
 * into a read-only copy, ranges past the MemCap or wrapping 2^64, more than 1 MiB, no MemCap, a
 * handle of another space or never held, a copy revoked before vfsd looks at it, an unknown file
 * number — each refused without changing the file, and vfsd's copy gone after every reply.
 */

#include "../LendingTask.h"
#include "../TestSupport.h"
#include "PlacedFilesystem.h"
#include "VfsLending.h"
#include "VfsRequests.h"
#include <catch2/catch.hpp>
#include <memory>

using namespace vectra;
using namespace vectra::vfs;
using namespace vectra::test;

namespace {

struct Served {
    test::Arena arena { 2 * MiB };
    RamFilesystem* filesystem { test::place_filesystem(arena.reticle(), 16, 256).value() };
    Router router { test::routed(*filesystem) };
    SessionHandler handler { router };
};


}

TEST_CASE("read-buffer and write-buffer move bytes through the carried MemCap; vfsd keeps no copy", "[vfsd]")
{
    Lender lender;
    auto result = lender.run([](Bundle& bundle) -> ErrorOr<i32> {
        auto reticle = TRY(bundle.take<ReticleCap>("memory"));
        auto served = std::make_unique<Served>();
        auto& handler = served->handler;
        auto file = body_of<Opened>(TRY(send(handler, Open { path({ "f" }), true }, std::nullopt, nullptr))).file;

        auto source = TRY(system::create_memory(reticle, 80 * KiB));
        auto source_bytes = TRY(system::map_memory(source));
        for (usize index = 0; index < source_bytes.size(); ++index)
            source_bytes[index] = u8(index * 13 + index / 4096);
        /* 64 KiB from byte 100 of a read-only copy, to file offset 7 (neither aligned). */
        auto written = TRY(send_lending(handler, WriteBuffer { file, 7, 64 * KiB, 100 }, source, RightRead));
        if (written.status != protocol::status_success || body_of<Written>(written).size != 7 + 64 * KiB)
            return 1;
        if (written.copy_kept)
            return 2;

        auto target = TRY(system::create_memory(reticle, 128 * KiB));
        /* Asking past the end: the reply says how many bytes came. */
        auto read = TRY(send_lending(handler, ReadBuffer { file, 0, 100 * KiB, 3 }, target, RightRead | RightWrite));
        if (read.status != protocol::status_success || body_of<BufferRead>(read).length != 7 + 64 * KiB || read.copy_kept)
            return 3;
        auto target_bytes = TRY(system::map_memory_read_only(target));
        for (usize index = 0; index < 7; ++index) {
            if (target_bytes[3 + index] != 0)
                return 4; /* the hole before the first write reads as zeros */
        }
        for (usize index = 0; index < 64 * KiB; ++index) {
            if (target_bytes[3 + 7 + index] != source_bytes[100 + index])
                return 5;
        }
        if (target_bytes[2] != 0 || target_bytes[3 + 7 + 64 * KiB] != 0)
            return 6; /* nothing outside the range asked for */
        /* The same bytes through v4's inline read. */
        auto inline_read = body_of<ReadData>(TRY(send(handler, ReadFile { file, 7 + 1000, 512 }, std::nullopt, nullptr)));
        for (usize index = 0; index < 512; ++index) {
            if (inline_read.data[index] != source_bytes[100 + 1000 + index])
                return 7;
        }
        /* A read at the end moves nothing, and a zero-length write changes nothing. */
        auto at_end = TRY(send_lending(handler, ReadBuffer { file, 7 + 64 * KiB, 4096, 0 }, target, RightRead | RightWrite));
        if (body_of<BufferRead>(at_end).length != 0 || at_end.copy_kept)
            return 8;
        auto nothing = TRY(send_lending(handler, WriteBuffer { file, 0, 0, 0 }, source, RightRead));
        if (body_of<Written>(nothing).size != 7 + 64 * KiB || nothing.copy_kept)
            return 9;
        return 0;
    });
    INFO((result.is_error() ? result.error().name() : "ok"));
    REQUIRE_FALSE(result.is_error());
    REQUIRE(result.value() == 0);
}

TEST_CASE("a client's bad buffers are refused, change nothing, and vfsd's copy is removed on every path", "[vfsd]")
{
    Lender lender;
    u32 lender_space = lender.space.id();
    auto result = lender.run([lender_space](Bundle& bundle) -> ErrorOr<i32> {
        auto reticle = TRY(bundle.take<ReticleCap>("memory"));
        auto served = std::make_unique<Served>();
        auto& handler = served->handler;
        auto file = body_of<Opened>(TRY(send(handler, Open { path({ "f" }), true }, std::nullopt, nullptr))).file;
        auto buffer = TRY(system::create_memory(reticle, 8 * KiB));
        auto buffer_bytes = TRY(system::map_memory(buffer));
        for (auto& byte : buffer_bytes)
            byte = 0xab;
        if (TRY(send_lending(handler, WriteBuffer { file, 0, 4096, 0 }, buffer, RightRead)).status != protocol::status_success)
            return 1;
        for (auto& byte : buffer_bytes)
            byte = 0x11;
        u16 const unusable = status_of(VfsError::BufferUnusable);
        Rights const writable = RightRead | RightWrite;

        /* A read into a copy without RightWrite. */
        auto answer = TRY(send_lending(handler, ReadBuffer { file, 0, 4096, 0 }, buffer, RightRead));
        if (answer.status != unusable || answer.copy_kept || buffer_bytes[0] != 0x11)
            return 2;
        /* Ranges past the MemCap's end, and wrapping 2^64. */
        answer = TRY(send_lending(handler, WriteBuffer { file, 0, 4096, 8 * KiB - 4095 }, buffer, RightRead));
        if (answer.status != unusable || answer.copy_kept)
            return 3;
        answer = TRY(send_lending(handler, ReadBuffer { file, 0, 1, 8 * KiB }, buffer, writable));
        if (answer.status != unusable || answer.copy_kept)
            return 4;
        answer = TRY(send_lending(handler, WriteBuffer { file, 0, 4096, ~u64(0) - 100 }, buffer, RightRead));
        if (answer.status != unusable || answer.copy_kept)
            return 5;
        answer = TRY(send_lending(handler, ReadBuffer { file, 0, 4096, ~u64(0) }, buffer, writable));
        if (answer.status != unusable || answer.copy_kept)
            return 6;
        /* More than 1 MiB in one request: refused before the MemCap's size is looked at. */
        answer = TRY(send_lending(handler, WriteBuffer { file, 0, maximum_buffer_transfer + 1, 0 }, buffer, RightRead));
        if (answer.status != status_of(ErrorCode::TooLarge) || answer.copy_kept)
            return 7;
        /* No MemCap at all. */
        answer = TRY(send(handler, WriteBuffer { file, 0, 16, 0 }, std::nullopt, nullptr));
        if (answer.status != unusable)
            return 8;
        /* A copy revoked after it was sent, before vfsd looks at it (the client revokes its MemCap's copies). */
        MemCap copy;
        auto carried = TRY(test::lent_copy(buffer, RightRead, copy));
        if (TRY(system::revoke(buffer)) == 0)
            return 9;
        answer = TRY(send(handler, WriteBuffer { file, 0, 16, 0 }, carried, nullptr));
        if (answer.status != unusable)
            return 10;
        /* A handle of another space (the parent's), and one this Task never held. */
        auto fresh = TRY(system::create_memory(reticle, 4096));
        ReceivedCapability foreign { CapabilityClass::Memory, { lender_space, fresh.slot(), fresh.generation() } };
        answer = TRY(send(handler, WriteBuffer { file, 0, 16, 0 }, foreign, nullptr));
        if (answer.status != unusable || system::map_memory_read_only(fresh).is_error())
            return 11; /* refused, and the Task's own entry in that slot untouched */
        ReceivedCapability never_held { CapabilityClass::Memory, { fresh.space(), u16(fresh.slot() + 40), 1 } };
        answer = TRY(send(handler, WriteBuffer { file, 0, 16, 0 }, never_held, nullptr));
        if (answer.status != unusable)
            return 12;
        /* Another class where a MemCap belongs. */
        auto ring_memory = TRY(system::carve(reticle, 8 * KiB));
        ReceivedCapability wrong_class { CapabilityClass::Reticle, { ring_memory.space(), ring_memory.slot(), ring_memory.generation() } };
        answer = TRY(send(handler, WriteBuffer { file, 0, 16, 0 }, wrong_class, nullptr));
        if (answer.status != unusable || !system::describe(ring_memory).is_error())
            return 13; /* refused, and removed too: vfsd keeps nothing a request brought */
        /* An unknown file number with a good MemCap: refused, copy removed. */
        answer = TRY(send_lending(handler, WriteBuffer { 3, 0, 16, 0 }, fresh, RightRead));
        if (answer.status != status_of(VfsError::NoSuchFile) || answer.copy_kept)
            return 14;
        /* A message that carries no capability, sent with one: answered, the copy removed. */
        answer = TRY(send_lending(handler, FileStat { file }, fresh, RightRead));
        if (answer.status != protocol::status_success || answer.copy_kept)
            return 15;
        /* After all of that the file is as the one good write left it. */
        auto status = body_of<Status>(TRY(send(handler, FileStat { file }, std::nullopt, nullptr)));
        auto first = body_of<ReadData>(TRY(send(handler, ReadFile { file, 0, 512 }, std::nullopt, nullptr)));
        if (status.size != 4096 || first.data.size() != 512)
            return 16;
        for (u8 byte : first.data) {
            if (byte != 0xab)
                return 17;
        }
        return 0;
    });
    INFO((result.is_error() ? result.error().name() : "ok"));
    REQUIRE_FALSE(result.is_error());
    REQUIRE(result.value() == 0);
}
