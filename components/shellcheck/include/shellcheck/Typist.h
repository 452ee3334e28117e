/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A terminal that a program (vsh) speaks vectra.tty to, with a person who types from a script:
 * the test program for vsh until vterm serves it. It serves the declared protocol from one loop
 * over a session listener, as vterm will — `write` collects the bytes (the "screen"), `read`
 * answers what the person types next, waits up to wait_ms when the person types nothing, a second
 * read of a session is `busy`, `size` answers the window's size, `set-title` refuses a title that
 * is not UTF-8 or holds a control byte (`invalid-title`).
 *
 * The person is asked at each read, with every byte the program wrote since its last read: the
 * program reads only when it has answered everything typed before, so that is its whole answer to
 * the last keys. The person then types (at most 256 bytes), resizes the window, closes it (the
 * session is freed, as when a window closes) or types nothing.
 */

#pragma once

#include <span>
#include <vectra/Session.h>
#include <vectra/tty/Protocol.h>

namespace vectra::shellcheck {

inline constexpr usize maximum_sessions = 2;
inline constexpr usize screen_bytes = 16 * 1024;
inline constexpr SignalBit timer_bit { 6 };

struct Reaction {
    enum class Kind : u8 {
        Type,    /* answer the read with `keys` (nothing: the read waits up to its wait_ms) */
        Close,   /* close the window: the session ends, the read is never answered */
    };
    Kind kind { Kind::Type };
    std::span<u8 const> keys;
};

class Person {
public:
    /* The program read on `session`; `screen` holds what it wrote since its last read there. */
    [[nodiscard]] virtual Reaction react(usize session, std::span<u8 const> screen) = 0;

protected:
    ~Person() = default;
};

class Typist;

class TerminalHandler {
public:
    TerminalHandler(Typist& typist, usize index)
        : m_typist(typist)
        , m_index(index)
    {
    }
    [[nodiscard]] ErrorOr<tty::Written> handle(tty::Write const&);
    [[nodiscard]] ErrorOr<tty::Input> handle(tty::Read const&);
    [[nodiscard]] ErrorOr<tty::Size> handle(tty::ReadSize const&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(tty::SetTitle const&);

private:
    Typist& m_typist;
    usize m_index;
};

class Typist {
public:
    explicit Typist(Person& person)
        : m_person(person)
    {
    }
    Typist(Typist const&) = delete;
    Typist& operator=(Typist const&) = delete;

    /*
     * Binds the listener and serves until it fails (PeerRestarted when its Rings go), then closes
     * every window, as the terminal's end would. `ready` raised once bound.
     */
    [[nodiscard]] ErrorOr<void> serve(RingCap listen_requests, RingCap listen_replies, SignalCap const* ready = nullptr);

    void resize(u16 columns, u16 rows)
    {
        m_columns = columns;
        m_rows = rows;
        m_resized = true;
    }
    [[nodiscard]] u16 columns() const { return m_columns; }
    [[nodiscard]] u16 rows() const { return m_rows; }
    [[nodiscard]] u64 written() const { return m_written; }       /* bytes written over every session */
    [[nodiscard]] u64 overflowed() const { return m_overflowed; } /* bytes beyond screen_bytes between two reads, not kept */
    [[nodiscard]] u32 sessions_opened() const { return m_opened; }
    [[nodiscard]] std::span<u8 const> title() const { return m_title.span(); }

    /* The handlers' work. */
    [[nodiscard]] ErrorOr<tty::Written> write(usize session, tty::Write const&);
    [[nodiscard]] ErrorOr<tty::Input> read(usize session, tty::Read const&);
    [[nodiscard]] ErrorOr<protocol::Done> set_title(tty::SetTitle const&);

private:
    struct Window {
        u8 screen[screen_bytes];
        usize length { 0 };
        bool waiting { false };
        u32 waiting_call { 0 };
        u64 deadline { 0 };
        bool close { false };
    };

    void opened(usize);
    void closed(usize);
    [[nodiscard]] bool take_request(usize);
    void answer_waiting(usize, u64 now);
    [[nodiscard]] ErrorOr<tty::Input> typed(Reaction const&);

    Person& m_person;
    Window m_windows[maximum_sessions];
    session::Table m_table;
    u16 m_columns { 80 };
    u16 m_rows { 24 };
    bool m_resized { false };
    bool m_kept { false };
    u32 m_call_id { 0 };
    u64 m_written { 0 };
    u64 m_overflowed { 0 };
    u32 m_opened { 0 };
    BoundedVector<u8, tty::maximum_title> m_title;
    u8 m_request[protocol::payload_capacity<tty::Protocol>];
    u8 m_reply[protocol::payload_capacity<tty::Protocol>];
};

}
