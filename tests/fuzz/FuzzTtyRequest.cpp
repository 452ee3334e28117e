/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as a run of vectra.tty requests to vterm, answered by its own handlers
 * on a fresh server with one window shown and two sessions (the second waiting for a window). Each
 * step is a byte that picks the session and what the person does first (types a key, resizes, lets
 * a waiting read's deadline pass, presses one of vterm's chords — a window opened or closed, a copy,
 * a paste — extends the selection with Shift+arrows, drags a selection, or a session ends and comes
 * back), two bytes giving the request's length (little-endian), and the request. Beyond the
 * dispatch checks (DispatchFuzzer.h): a read never answers more than 256 bytes, every answer
 * carries the window's size, no window's pending input passes 1024 bytes, a kept read is answered
 * exactly once, and every session has a window while no window names a session it is not.
 */

#include "DispatchFuzzer.h"
#include <new>
#include <vectra/input/Event.h>
#include <vectra/input/Keyboard.h>
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
        VERIFY(input.columns == server.terminal(*server.window_of(index)).size().columns);
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
    MUST(server.open_window({ 80, 24 }));
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
        u8 detail = data[at - 1];
        constexpr u8 chord = input::modifier::control | input::modifier::shift;
        constexpr u16 chord_keys[] = { input::key::enter, input::key::w, input::key::c, input::key::v };
        constexpr u16 arrows[] = { input::key::left, input::key::right, input::key::up, input::key::down };
        now += 1'000'000;
        switch ((step >> 1) % 8) {
        case 0: {
            u32 characters[] = { u32('a' + step % 26) };
            server.key(index, { 30, 0, characters });
            break;
        }
        case 1:
            (void)server.resize(index, { u16(2 + detail % 99), u16(1 + step % 40) });
            break;
        case 2:
            now += u64(tty::maximum_wait_ms) * 1'000'000;
            break;
        case 3:
            server.key(index, { chord_keys[detail % 4], chord, {} });
            break;
        case 4:
            server.key(index, { arrows[detail % 4], input::modifier::shift, {} });
            break;
        case 5:
            if (server.has_window(index)) {
                auto& model = server.terminal(index);
                server.select(index, model.view_position(u16(detail % 48), u16(detail % 120)),
                    model.view_position(u16(step % 48), u16(step % 120)));
            }
            break;
        case 6:
            server.closed(index);
            (void)server.opened(index, { u16(2 + detail % 99), u16(1 + step % 40) });
            break;
        default:
            break;
        }
        /* A window the person closed ends its session; the program comes back. */
        while (auto ended = server.take_session_to_end()) {
            VERIFY(!server.is_open(*ended));
            server.closed(*ended);
            (void)server.opened(*ended, { 80, 24 });
        }
        for (usize window = 0; window < maximum_windows; ++window) {
            if (auto owner = server.session_of(window))
                VERIFY(server.window_of(*owner) == window);
        }
        for (usize session = 0; session < maximum_sessions; ++session) {
            if (auto window = server.window_of(session))
                VERIFY(server.session_of(*window) == session);
        }
        for (usize session = 0; session < maximum_windows; ++session) {
            auto window = server.window_of(session);
            if (!window)
                continue;
            VERIFY(server.terminal(*window).input().size() <= tty::pending_input);
            if (auto answer = server.answer_waiting(session, now)) {
                VERIFY(answer->input.bytes.size() <= tty::maximum_read);
                VERIFY(answer->input.rows == server.terminal(*window).size().rows);
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
