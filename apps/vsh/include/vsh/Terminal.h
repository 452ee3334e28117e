/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vsh's side of one vectra.tty session (one terminal window): output gathered and sent in writes
 * of up to 768 bytes, typed bytes read with the window's size. A failed write is kept and
 * reported by the next flush(), so drawing code need not check every byte it sends.
 */

#pragma once

#include <optional>
#include <vectra/Session.h>
#include <vectra/tty/Protocol.h>
#include <vsh/Sink.h>

namespace vectra::vsh {

using TerminalClient = session::SessionClient<tty::Protocol>;

class Terminal final : public Sink {
public:
    explicit Terminal(TerminalClient& client)
        : m_client(client)
    {
    }

    void write(std::span<u8 const>) override;
    /* Sends what is gathered; the first error since the last flush, if any. */
    [[nodiscard]] ErrorOr<void> flush();
    /* Typed bytes and the window's size; waits up to `wait_ms` for a byte or a resize. */
    [[nodiscard]] ErrorOr<tty::Input> read(u32 wait_ms);
    [[nodiscard]] ErrorOr<tty::Size> size();
    [[nodiscard]] ErrorOr<void> set_title(std::string_view);
    /* Forgets gathered output and a kept error (a new session starts clean). */
    void reset();
    /* Reads answered so far (over every session). */
    [[nodiscard]] u64 reads() const { return m_reads; }

private:
    [[nodiscard]] ErrorOr<void> send();

    TerminalClient& m_client;
    tty::Write m_pending;
    std::optional<Error> m_failure;
    u64 m_reads { 0 };
};

}
