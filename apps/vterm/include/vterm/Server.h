/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vterm's side of vectra.tty (docs/adr/0044-vterm.md §5, §6 and its second amendment): windows and
 * the program sessions they show, each window a terminal::Terminal on its share of vterm's memory.
 *
 * Windows and sessions meet in either order. A session that opens takes the oldest window waiting
 * for a session; with none, it gets a window that is not shown yet and waits for the person to open
 * one (Ctrl+Shift+Enter shows the oldest such window). While it waits, its requests are answered as
 * in a shown window — its output is interpreted, its title kept, its size is the window's — and a read
 * waits for its deadline (no key can come). A window the person opens with no session waiting shows
 * an empty terminal and waits for the next session; what is typed there waits for that program. When
 * a session ends, its window stays on the screen with its last lines until the person closes it
 * (Ctrl+Shift+W); closing a window whose session lives ends that session.
 *
 * The program's output is interpreted before the reply; the person's keys are queued in the window
 * (at most 1024 bytes, the newest beyond dropped and counted) until the program reads them; one
 * read per session may wait, answered as soon as a byte arrives, the window's size changes, or its
 * deadline passes — a second is refused `busy`. The person's chords are the window's: Ctrl+Shift+C
 * copies its selection (Shift+arrows extend it from the cursor) into the clipboard every window
 * shares, Ctrl+Shift+V pastes the clipboard into it.
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
/* Every session has a window (shown or waiting to be), so there are no more sessions than windows. */
inline constexpr usize maximum_sessions = maximum_windows;
/* A window's largest size and its scrollback (what its memory is sized for). */
inline constexpr terminal::Limits window_limits { { 100, 40 }, 200 };

/* What a key did in its window. */
enum class KeyOutcome : u8 {
    Nothing,      /* a modifier alone, or a key for a window that takes none */
    Typed,        /* bytes queued for the program */
    OpenedWindow, /* Ctrl+Shift+Enter: a window opened (refused when every window is taken: Nothing) */
    ClosedWindow, /* Ctrl+Shift+W: this window closed; its session, if any, is to end */
    Copied,       /* Ctrl+Shift+C: the selection is in the clipboard */
    Pasted,       /* Ctrl+Shift+V: the clipboard typed into the window */
    Selected,     /* Shift+arrow: the selection grew or shrank */
};

class Server {
public:
    [[nodiscard]] static usize memory_for() { return maximum_windows * terminal_bytes(); }

    /* `memory` (at least memory_for(), 16-byte aligned; its owner keeps it alive) holds the windows' terminals. */
    explicit Server(std::span<u8> memory);
    ~Server();
    Server(Server const&) = delete;
    Server& operator=(Server const&) = delete;

    /* A session opened: it takes the oldest window waiting for a session, else a window of `size`
     * not shown yet. Full when every window is taken (or `session` is beyond maximum_sessions). */
    [[nodiscard]] ErrorOr<void> opened(usize session, terminal::Size);
    /* A session ended: its waiting read is gone; a shown window keeps its lines until the person
     * closes it, a window never shown goes. */
    void closed(usize session);
    /* Whether the session has a window (shown or waiting to be). */
    [[nodiscard]] bool is_open(usize session) const { return window_of(session).has_value(); }
    [[nodiscard]] std::optional<usize> window_of(usize session) const;

    /* vectra.tty's handlers for `session`. */
    [[nodiscard]] ErrorOr<tty::Written> write(usize session, tty::Write const&);
    /* Answers at once when bytes wait, some were dropped, the size changed since the last answer,
     * or wait_ms is 0; else keeps the read (Busy, `kept()` true) until answer_waiting answers it. */
    [[nodiscard]] ErrorOr<tty::Input> read(usize session, tty::Read const&, u64 now, u32 call_id);
    [[nodiscard]] ErrorOr<tty::Size> size(usize session) const;
    [[nodiscard]] ErrorOr<protocol::Done> set_title(usize session, tty::SetTitle const&);

    [[nodiscard]] bool is_waiting(usize session) const;
    /* Whether the last request was a read kept rather than answered; begin_request() before each request. */
    [[nodiscard]] bool kept() const { return m_kept; }
    void begin_request() { m_kept = false; }

    /* The kept read of `session` when it is due at `now` (a byte, a resize, its deadline): its
     * answer and call id; the read is no longer waiting. */
    struct Answer {
        u32 call_id { 0 };
        tty::Input input;
    };
    [[nodiscard]] std::optional<Answer> answer_waiting(usize session, u64 now);
    /* The earliest deadline of a waiting read, if any. */
    [[nodiscard]] std::optional<u64> next_deadline() const;

    /* The person's side, by window. Opens a window (the oldest session waiting for one, else an
     * empty one of `size` waiting for a session); Full when every window is taken. */
    [[nodiscard]] ErrorOr<usize> open_window(terminal::Size);
    /* Closes a window; its session, if it had one, is left without a window and must end (take_session_to_end). */
    void close_window(usize window);
    /* A key into the window: a chord of vterm's, a selection step, or bytes for the program. */
    KeyOutcome key(usize window, terminal::KeyPress const&);
    [[nodiscard]] ErrorOr<void> resize(usize window, terminal::Size);
    /* The selection from `anchor` to `end` (history positions; a pointer drag), or none. */
    void select(usize window, terminal::Position anchor, terminal::Position end);
    void clear_selection(usize window);

    /* A session whose window the person closed: the loop ends it. */
    [[nodiscard]] std::optional<usize> take_session_to_end();
    /* The window the person opened last, once: it takes the focus. */
    [[nodiscard]] std::optional<usize> take_window_to_focus();

    [[nodiscard]] bool has_window(usize window) const { return window < maximum_windows && m_windows[window].terminal; }
    [[nodiscard]] bool is_shown(usize window) const { return has_window(window) && m_windows[window].shown; }
    [[nodiscard]] std::optional<usize> session_of(usize window) const;
    /* Whether the window's session ended (its lines kept until the person closes it). */
    [[nodiscard]] bool has_ended(usize window) const { return has_window(window) && m_windows[window].ended; }
    /* Changes each time the window is made anew: a screen showing the old one must start over. */
    [[nodiscard]] u64 generation(usize window) const { return m_windows[window].generation; }
    [[nodiscard]] terminal::Terminal& terminal(usize window) { return *m_windows[window].terminal; }
    [[nodiscard]] std::span<u8 const> title(usize window) const
    {
        return { m_windows[window].title, m_windows[window].title_length };
    }
    [[nodiscard]] terminal::Clipboard& clipboard() { return m_clipboard; }

private:
    struct Window {
        terminal::Terminal* terminal { nullptr };
        std::optional<usize> session;
        bool shown { false };
        bool ended { false };
        u64 generation { 0 };
        u64 since { 0 }; /* when it began to wait (for a session or to be shown): the oldest goes first */
        u8 title[tty::maximum_title] {};
        usize title_length { 0 };
        bool size_changed { false };
        bool waiting { false };
        u32 waiting_call { 0 };
        u64 deadline { 0 };
        std::optional<terminal::Position> anchor; /* where Shift+arrows began the selection */
        terminal::Position end;
    };

    [[nodiscard]] static usize terminal_bytes()
    {
        return (terminal::Terminal::memory_for(window_limits) + 15) & ~usize(15);
    }
    [[nodiscard]] ErrorOr<Window*> window(usize session);
    [[nodiscard]] Window const* window(usize session) const;
    [[nodiscard]] ErrorOr<usize> make_window(terminal::Size);
    void destroy_window(usize window);
    [[nodiscard]] std::optional<usize> oldest(bool shown_without_session);
    [[nodiscard]] tty::Input drain(Window&);
    [[nodiscard]] static bool is_due(Window const&, u64 now);
    [[nodiscard]] bool step_selection(Window&, u16 code);

    std::span<u8> m_memory;
    Window m_windows[maximum_windows];
    std::optional<usize> m_window_of[maximum_sessions];
    alignas(terminal::Terminal) u8 m_terminal_storage[maximum_windows][sizeof(terminal::Terminal)];
    terminal::Clipboard m_clipboard;
    u64 m_clock { 0 };
    u64 m_generations { 0 };
    u32 m_sessions_to_end { 0 };
    std::optional<usize> m_window_to_focus;
    bool m_kept { false };
};

}
