/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.tty, declared once: what a terminal (vterm) serves a program (vsh, or any program that
 * speaks to a person through text) on each session. One session is one terminal window.
 *
 * Output. `write` carries up to 768 bytes of the program's output: UTF-8 text and the control
 * and escape sequences of an xterm-compatible terminal (ECMA-48 CSI, SGR colours, cursor
 * movement, erase). The terminal interprets every byte it accepts before answering; the reply
 * counts the bytes accepted (all of them unless the window has been closed meanwhile).
 *
 * Input. `read` answers the bytes the person typed into the window since the last read, encoded
 * as an xterm encodes keys (UTF-8 characters; `\r` for Enter, `\x7f` for Backspace, `ESC [ A`…
 * for the arrows, `ESC [ 3 ~` for Delete, Ctrl+letter as 0x01…0x1a), at most 256 bytes; with none
 * waiting it waits up to `wait_ms` (at most 10 s) and is answered as soon as a byte arrives or
 * the window's size changes. Every reply carries the window's size in character cells, so a
 * program sees a resize at its next read. One read waits per session (a second is `busy`). Bytes
 * typed while nobody reads wait in the terminal (at most 1024 per session; beyond that the oldest
 * are kept and the newest dropped, counted in `dropped`).
 *
 * `size` answers the window's size without waiting; `set-title` names the window (at most 64
 * bytes of UTF-8, shown in its title bar). When the person closes the window its session ends:
 * the program's next call fails with PeerClosed (or Revoked, when the terminal took the session's
 * Rings back); when the terminal itself restarts it fails with PeerRestarted. Either way the
 * program may exit or open a new session (vsh opens a new one, keeping its history).
 */

#pragma once

#include <vectra/BoundedVector.h>
#include <vectra/protocol/Declaration.h>

namespace vectra::tty {

enum class TtyError : u16 {
    Busy = 1,
    InvalidTitle = 2,
};

inline constexpr usize maximum_write = 768;
inline constexpr usize maximum_read = 256;
inline constexpr usize pending_input = 1024;
inline constexpr usize maximum_title = 64;
inline constexpr u32 maximum_wait_ms = 10'000;

struct Write {
    BoundedVector<u8, maximum_write> bytes;
    static constexpr auto fields() { return vectra::fields(field("bytes", &Write::bytes)); }
};

struct Written {
    u32 accepted { 0 };
    static constexpr auto fields() { return vectra::fields(field("accepted", &Written::accepted)); }
};

struct Read {
    u32 wait_ms { 0 };
    static constexpr auto fields() { return vectra::fields(field("wait_ms", &Read::wait_ms)); }
};

struct Input {
    BoundedVector<u8, maximum_read> bytes;
    u16 columns { 0 };
    u16 rows { 0 };
    u32 dropped { 0 }; /* typed bytes dropped for this session since its last read (1024 were waiting) */
    static constexpr auto fields()
    {
        return vectra::fields(field("bytes", &Input::bytes), field("columns", &Input::columns), field("rows", &Input::rows),
            field("dropped", &Input::dropped));
    }
};

struct ReadSize {
    static constexpr auto fields() { return vectra::fields(); }
};

struct Size {
    u16 columns { 0 };
    u16 rows { 0 };
    static constexpr auto fields() { return vectra::fields(field("columns", &Size::columns), field("rows", &Size::rows)); }
};

struct SetTitle {
    BoundedVector<u8, maximum_title> title;
    static constexpr auto fields() { return vectra::fields(field("title", &SetTitle::title)); }
};

struct Protocol {
    static constexpr std::string_view name = "vectra.tty";
    static constexpr u16 version = 1;
    static constexpr u32 slot_count = 4;
    static constexpr u32 slot_size = 1024;
    using Errors = TtyError;

    static constexpr auto errors()
    {
        using protocol::error;
        return protocol::errors(
            error(TtyError::Busy, "busy", "the session already has a read waiting"),
            error(TtyError::InvalidTitle, "invalid-title", "the title is not valid UTF-8 or holds a control character"));
    }

    static constexpr auto messages()
    {
        using protocol::message;
        return protocol::messages(
            message<Write, Written>("write", "Up to 768 bytes of output (UTF-8 and xterm control sequences), interpreted before the reply; answers the bytes accepted."),
            message<Read, Input>("read",
                "Up to 256 bytes typed since the last read, with the window's size in cells; with none waiting, waits up to wait_ms (at most 10 s) for a byte or a resize."),
            message<ReadSize, Size>("size", "The window's size in character cells, without waiting."),
            message<SetTitle, protocol::Done>("set-title", "Names the window (at most 64 bytes of UTF-8, no control characters)."));
    }
};

inline constexpr ErrorDomain domain = protocol::error_domain<Protocol>();
constexpr ErrorDomain const& error_domain(TtyError) { return domain; }
inline constexpr u64 schema_id = protocol::schema_id<Protocol>;

}
