/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * One vectra.tty session as vsh's output and input (Terminal.h).
 */

#include <vectra/Try.h>
#include <vsh/Terminal.h>

namespace vectra::vsh {

ErrorOr<void> Terminal::send()
{
    if (m_pending.bytes.size() == 0)
        return {};
    auto written = m_client.call(m_pending);
    m_pending.bytes.clear();
    if (written.is_error())
        return written.release_error();
    return {};
}

void Terminal::write(std::span<u8 const> bytes)
{
    /* After a failed write the window is gone: nothing more is sent until flush() reports it. */
    if (m_failure)
        return;
    for (u8 byte : bytes) {
        if (m_pending.bytes.size() == tty::maximum_write) {
            auto sent = send();
            if (sent.is_error()) {
                m_failure = sent.error();
                return;
            }
        }
        (void)m_pending.bytes.try_append(byte);
    }
}

ErrorOr<void> Terminal::flush()
{
    auto sent = send();
    if (m_failure) {
        Error failure = *m_failure;
        m_failure.reset();
        return failure;
    }
    return sent;
}

ErrorOr<tty::Input> Terminal::read(u32 wait_ms)
{
    /* The call waits longer than the terminal may keep the read. */
    auto input = TRY(m_client.call(tty::Read { wait_ms }, Duration::from_milliseconds(i64(wait_ms) + 5000)));
    ++m_reads;
    return input;
}

ErrorOr<tty::Size> Terminal::size() { return m_client.call(tty::ReadSize {}); }

ErrorOr<void> Terminal::set_title(std::string_view title)
{
    tty::SetTitle request;
    for (char character : title)
        TRY(request.title.try_append(u8(character)));
    TRY(m_client.call(request));
    return {};
}

void Terminal::reset()
{
    m_pending.bytes.clear();
    m_failure.reset();
}

}
