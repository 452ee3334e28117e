/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.tty's sessions over vterm's windows (Server.h).
 */

#include <new>
#include <vectra/Try.h>
#include <vectra/Utf8.h>
#include <vterm/Server.h>

namespace vectra::vterm {

using tty::TtyError;

Server::Server(std::span<u8> memory)
    : m_memory(memory)
{
}

Server::~Server()
{
    for (usize session = 0; session < maximum_windows; ++session)
        closed(session);
}

ErrorOr<Server::Window*> Server::window(usize session)
{
    if (!is_open(session))
        return Error(ErrorCode::NotFound, "vterm: no window for this session");
    return &m_windows[session];
}

ErrorOr<void> Server::opened(usize session, terminal::Size size)
{
    if (session >= maximum_windows)
        return Error(ErrorCode::Full, "vterm: every window is taken");
    if (m_memory.size() < memory_for())
        return Error(ErrorCode::OutOfMemory, "vterm: less memory than memory_for()");
    closed(session);
    auto memory = m_memory.subspan(session * terminal_bytes(), terminal::Terminal::memory_for(window_limits));
    auto* made = new (m_terminal_storage[session]) terminal::Terminal(memory, window_limits);
    auto started = made->start(size);
    if (started.is_error()) {
        made->~Terminal();
        return started.release_error();
    }
    m_windows[session] = Window();
    m_windows[session].terminal = made;
    return {};
}

void Server::closed(usize session)
{
    if (!is_open(session))
        return;
    m_windows[session].terminal->~Terminal();
    m_windows[session] = Window();
}

ErrorOr<tty::Written> Server::write(usize session, tty::Write const& request)
{
    auto* window = TRY(this->window(session));
    usize accepted = window->terminal->write({ request.bytes.begin(), request.bytes.size() });
    return tty::Written { u32(accepted) };
}

tty::Input Server::drain(Window& window)
{
    tty::Input input;
    u8 bytes[tty::maximum_read];
    usize count = window.terminal->input().take(bytes);
    for (usize index = 0; index < count; ++index)
        (void)input.bytes.try_append(bytes[index]);
    input.dropped = window.terminal->input().take_dropped();
    auto size = window.terminal->size();
    input.columns = size.columns;
    input.rows = size.rows;
    window.size_changed = false;
    return input;
}

bool Server::is_due(Window const& window, u64 now)
{
    auto const& input = window.terminal->input();
    return !input.is_empty() || input.dropped() > 0 || window.size_changed || now >= window.deadline;
}

ErrorOr<tty::Input> Server::read(usize session, tty::Read const& request, u64 now, u32 call_id)
{
    m_kept = false;
    auto* window = TRY(this->window(session));
    if (window->waiting)
        return Error(TtyError::Busy, "vterm: a read is already waiting in this session");
    auto const& input = window->terminal->input();
    if (!input.is_empty() || input.dropped() > 0 || window->size_changed || request.wait_ms == 0)
        return drain(*window);
    u32 milliseconds = request.wait_ms > tty::maximum_wait_ms ? tty::maximum_wait_ms : request.wait_ms;
    window->waiting = true;
    window->waiting_call = call_id;
    window->deadline = now + u64(milliseconds) * 1'000'000;
    m_kept = true;
    return Error(ErrorCode::Busy, "kept: answered at a byte, a resize or its deadline");
}

std::optional<Server::Answer> Server::answer_waiting(usize session, u64 now)
{
    if (!is_open(session))
        return std::nullopt;
    auto& window = m_windows[session];
    if (!window.waiting || !is_due(window, now))
        return std::nullopt;
    window.waiting = false;
    return Answer { window.waiting_call, drain(window) };
}

std::optional<u64> Server::next_deadline() const
{
    std::optional<u64> earliest;
    for (auto const& window : m_windows) {
        if (window.terminal && window.waiting && (!earliest || window.deadline < *earliest))
            earliest = window.deadline;
    }
    return earliest;
}

ErrorOr<tty::Size> Server::size(usize session) const
{
    if (!is_open(session))
        return Error(ErrorCode::NotFound, "vterm: no window for this session");
    auto size = m_windows[session].terminal->size();
    return tty::Size { size.columns, size.rows };
}

ErrorOr<protocol::Done> Server::set_title(usize session, tty::SetTitle const& request)
{
    auto* window = TRY(this->window(session));
    std::string_view text(reinterpret_cast<char const*>(request.title.begin()), request.title.size());
    if (!check_utf8(text).valid)
        return Error(TtyError::InvalidTitle, "vterm: the title is not valid UTF-8");
    for (u8 byte : request.title) {
        if (byte < 0x20 || byte == 0x7f)
            return Error(TtyError::InvalidTitle, "vterm: the title holds a control character");
    }
    __builtin_memcpy(window->title, request.title.begin(), request.title.size());
    window->title_length = request.title.size();
    return protocol::Done {};
}

bool Server::key(usize session, terminal::KeyPress const& press)
{
    if (!is_open(session))
        return false;
    return m_windows[session].terminal->key(press);
}

ErrorOr<void> Server::resize(usize session, terminal::Size size)
{
    auto* window = TRY(this->window(session));
    if (size == window->terminal->size())
        return {};
    TRY(window->terminal->resize(size));
    window->size_changed = true;
    return {};
}

}
