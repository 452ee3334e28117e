/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A vterm Server over memory of its own, with the helpers its tests share: a program's write, a
 * key typed into a window, a chord pressed, the text of a read's answer.
 */

#pragma once

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vectra/input/Event.h>
#include <vterm/Server.h>

namespace vectra::vterm::testing {

struct ServerFixture {
    struct Free {
        void operator()(u8* bytes) const { ::operator delete[](bytes, std::align_val_t(16)); }
    };
    std::unique_ptr<u8[], Free> memory { new (std::align_val_t(16)) u8[Server::memory_for()] };
    Server server { { memory.get(), Server::memory_for() } };

    /* A window shown for `session` (the next free window, waiting for it), the session in it. */
    usize open_with_session(usize session, terminal::Size size = { 80, 24 })
    {
        usize window = MUST(server.open_window(size));
        REQUIRE_FALSE(server.opened(session, size).is_error());
        REQUIRE(server.window_of(session) == window);
        return window;
    }

    tty::Written write(usize session, std::string const& text)
    {
        tty::Write request;
        for (char byte : text)
            REQUIRE_FALSE(request.bytes.try_append(u8(byte)).is_error());
        return MUST(server.write(session, request));
    }

    KeyOutcome type(usize window, u32 character)
    {
        u32 characters[] = { character };
        return server.key(window, { input::key::a, 0, characters });
    }

    KeyOutcome press(usize window, u16 code, u8 modifiers) { return server.key(window, { code, modifiers, {} }); }

    static std::string text_of(tty::Input const& input) { return { input.bytes.begin(), input.bytes.end() }; }
};

}
