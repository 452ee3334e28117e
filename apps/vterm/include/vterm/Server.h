/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vterm's side of vectra.tty (docs/adr/0044-vterm.md §3): one window per session, each window a
 * terminal::Terminal on its share of vterm's memory. The program's output is interpreted before the
 * reply; the person's keys are queued in the window (at most 1024 bytes, the newest beyond dropped
 * and counted) until the program reads them; one read per session may wait, answered as soon as a
 * byte arrives, the window's size changes, or its deadline passes — a second is refused `busy`.
 *
 * The handlers are plain methods, driven by the service loop and directly by the tests and the
 * fuzz target; a read that must wait answers Busy(kept) to its caller and is later answered by
 * answer_waiting, as inputd's reads are.
 */

#pragma once

#include <optional>
#include <span>
#include <terminal/Clipboard.h>
#include <terminal/Terminal.h>
#include <vectra/tty/Protocol.h>

namespace vectra::vterm {

inline constexpr usize maximum_windows = 2;
/* A window's largest size and its scrollback (what its memory is sized for). */
inline constexpr terminal::Limits window_limits { { 100, 40 }, 200 };

class Server {
public:
    [[nodiscard]] static usize memory_for() { return maximum_windows * terminal_bytes(); }

    /* `memory` (at least memory_for(), 16-byte aligned; its owner keeps it alive) holds the windows' terminals. */
    explicit Server(std::span<u8> memory);
    ~Server();
    Server(Server const&) = delete;
    Server& operator=(Server const&) = delete;

    /* A session opened: its window, at `size`. Full when every window is taken. */
    [[nodiscard]] ErrorOr<void> opened(usize session, terminal::Size);
    /* A session ended (or its window was closed): the window and its waiting read are gone. */
    void closed(usize session);
    [[nodiscard]] bool is_open(usize session) const { return session < maximum_windows && m_windows[session].terminal; }

    /* vectra.tty's handlers for `session`. */
    [[nodiscard]] ErrorOr<tty::Written> write(usize session, tty::Write const&);
    /* Answers at once when bytes wait, some were dropped, the size changed since the last answer,
     * or wait_ms is 0; else keeps the read (Busy, `kept()` true) until answer_waiting answers it. */
    [[nodiscard]] ErrorOr<tty::Input> read(usize session, tty::Read const&, u64 now, u32 call_id);
    [[nodiscard]] ErrorOr<tty::Size> size(usize session) const;
    [[nodiscard]] ErrorOr<protocol::Done> set_title(usize session, tty::SetTitle const&);

    [[nodiscard]] bool is_waiting(usize session) const { return is_open(session) && m_windows[session].waiting; }
    /* Whether the last request was a read kept rather than answered; begin_request() before each request. */
    [[nodiscard]] bool kept() const { return m_kept; }
    void begin_request() { m_kept = false; }

    /* The person's side: a key into the window, the window resized. */
    bool key(usize session, terminal::KeyPress const&);
    [[nodiscard]] ErrorOr<void> resize(usize session, terminal::Size);

    /* The kept read of `session` when it is due at `now` (a byte, a resize, its deadline): its
     * answer and call id; the read is no longer waiting. */
    struct Answer {
        u32 call_id { 0 };
        tty::Input input;
    };
    [[nodiscard]] std::optional<Answer> answer_waiting(usize session, u64 now);
    /* The earliest deadline of a waiting read, if any. */
    [[nodiscard]] std::optional<u64> next_deadline() const;

    [[nodiscard]] terminal::Terminal& terminal(usize session) { return *m_windows[session].terminal; }
    [[nodiscard]] std::span<u8 const> title(usize session) const
    {
        return { m_windows[session].title, m_windows[session].title_length };
    }
    [[nodiscard]] terminal::Clipboard& clipboard() { return m_clipboard; }

private:
    struct Window {
        terminal::Terminal* terminal { nullptr };
        u8 title[tty::maximum_title] {};
        usize title_length { 0 };
        bool size_changed { false };
        bool waiting { false };
        u32 waiting_call { 0 };
        u64 deadline { 0 };
    };

    [[nodiscard]] static usize terminal_bytes()
    {
        return (terminal::Terminal::memory_for(window_limits) + 15) & ~usize(15);
    }
    [[nodiscard]] ErrorOr<Window*> window(usize session);
    [[nodiscard]] tty::Input drain(Window&);
    [[nodiscard]] static bool is_due(Window const&, u64 now);

    std::span<u8> m_memory;
    Window m_windows[maximum_windows];
    alignas(terminal::Terminal) u8 m_terminal_storage[maximum_windows][sizeof(terminal::Terminal)];
    terminal::Clipboard m_clipboard;
    bool m_kept { false };
};

}
