/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as a run of vectra.tty requests to vterm, answered by its own handlers
 * on a fresh server with two windows. Each step is a byte that picks the session and what the
 * person does first (types a key, resizes, lets a waiting read's deadline pass), two bytes giving the
 * request's length (little-endian), and the request. Beyond the dispatch checks
 * (DispatchFuzzer.h): a read never answers more than 256 bytes, every answer carries the window's
 * size, no window's pending input passes 1024 bytes, and a kept read is answered exactly once.
 */

#include "DispatchFuzzer.h"
#include <new>
#include <vterm/Server.h>

using namespace vectra;
using namespace vectra::vterm;

namespace {

struct Session {
    Server& server;
    usize index;
    u64 now;
    ErrorOr<tty::Written> handle(tty::Write const& request)
    {
        auto written = TRY(server.write(index, request));
        VERIFY(written.accepted == request.bytes.size());
        return written;
    }
    ErrorOr<tty::Input> handle(tty::Read const& request)
    {
        auto input = TRY(server.read(index, request, now, 1));
        VERIFY(input.bytes.size() <= tty::maximum_read);
        VERIFY(input.columns == server.terminal(index).size().columns);
        return input;
    }
    ErrorOr<tty::Size> handle(tty::ReadSize const&) { return server.size(index); }
    ErrorOr<protocol::Done> handle(tty::SetTitle const& request) { return server.set_title(index, request); }
};

u8* memory()
{
    static u8* bytes = new (std::align_val_t(16)) u8[Server::memory_for()];
    return bytes;
}

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    alignas(Server) static u8 storage[sizeof(Server)];
    auto& server = *new (storage) Server({ memory(), Server::memory_for() });
    MUST(server.opened(0, { 80, 24 }));
    MUST(server.opened(1, { 40, 10 }));
    u64 now = 0;
    usize at = 0;
    while (at + 3 <= size) {
        u8 step = data[at];
        usize length = usize(data[at + 1]) | usize(data[at + 2]) << 8;
        at += 3;
        if (length > size - at)
            length = size - at;
        usize index = step & 1;
        now += 1'000'000;
        switch ((step >> 1) % 4) {
        case 0: {
            u32 characters[] = { u32('a' + step % 26) };
            server.key(index, { 30, 0, characters });
            break;
        }
        case 1:
            (void)server.resize(index, { u16(2 + data[at - 1] % 99), u16(1 + step % 40) });
            break;
        case 2:
            now += u64(tty::maximum_wait_ms) * 1'000'000;
            break;
        default:
            break;
        }
        for (usize session = 0; session < maximum_windows; ++session) {
            VERIFY(server.terminal(session).input().size() <= tty::pending_input);
            if (auto answer = server.answer_waiting(session, now)) {
                VERIFY(answer->input.bytes.size() <= tty::maximum_read);
                VERIFY(answer->input.rows == server.terminal(session).size().rows);
                VERIFY(!server.answer_waiting(session, now).has_value());
            }
        }
        Session session { server, index, now };
        (void)test::fuzz_dispatch<tty::Protocol>(session, std::span<u8 const>(data + at, length));
        at += length;
    }
    server.~Server();
    return 0;
}
