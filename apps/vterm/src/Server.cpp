/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.tty's sessions over vterm's windows (Server.h).
 */

#include <new>
#include <vectra/Try.h>
#include <vectra/Utf8.h>
#include <vectra/input/Event.h>
#include <vectra/input/Keyboard.h>
#include <vterm/Server.h>

namespace vectra::vterm {

using tty::TtyError;

namespace {
constexpr u8 chord = input::modifier::control | input::modifier::shift;
constexpr u8 modifiers_that_count = input::modifier::control | input::modifier::shift | input::modifier::alt;
}

Server::Server(std::span<u8> memory)
    : m_memory(memory)
{
}

Server::~Server()
{
    for (usize window = 0; window < maximum_windows; ++window)
        destroy_window(window);
}

std::optional<usize> Server::window_of(usize session) const
{
    if (session >= maximum_sessions)
        return std::nullopt;
    return m_window_of[session];
}

std::optional<usize> Server::session_of(usize window) const
{
    if (!has_window(window))
        return std::nullopt;
    return m_windows[window].session;
}

ErrorOr<Server::Window*> Server::window(usize session)
{
    auto found = window_of(session);
    if (!found)
        return Error(ErrorCode::NotFound, "vterm: no window for this session");
    return &m_windows[*found];
}

Server::Window const* Server::window(usize session) const
{
    auto found = window_of(session);
    return found ? &m_windows[*found] : nullptr;
}

ErrorOr<usize> Server::make_window(terminal::Size size)
{
    if (m_memory.size() < memory_for())
        return Error(ErrorCode::OutOfMemory, "vterm: less memory than memory_for()");
    for (usize index = 0; index < maximum_windows; ++index) {
        if (m_windows[index].terminal)
            continue;
        auto memory = m_memory.subspan(index * terminal_bytes(), terminal::Terminal::memory_for(window_limits));
        auto* made = new (m_terminal_storage[index]) terminal::Terminal(memory, window_limits);
        auto started = made->start(size);
        if (started.is_error()) {
            made->~Terminal();
            return started.release_error();
        }
        m_windows[index] = Window();
        m_windows[index].terminal = made;
        m_windows[index].generation = ++m_generations;
        m_windows[index].since = ++m_clock;
        return index;
    }
    return Error(ErrorCode::Full, "vterm: every window is taken");
}

void Server::destroy_window(usize index)
{
    auto& window = m_windows[index];
    if (!window.terminal)
        return;
    if (window.session)
        m_window_of[*window.session].reset();
    window.terminal->~Terminal();
    window = Window();
}

std::optional<usize> Server::oldest(bool shown_without_session)
{
    std::optional<usize> found;
    for (usize index = 0; index < maximum_windows; ++index) {
        auto const& window = m_windows[index];
        if (!window.terminal || window.ended)
            continue;
        bool fits = shown_without_session ? (window.shown && !window.session) : (!window.shown && window.session);
        if (fits && (!found || window.since < m_windows[*found].since))
            found = index;
    }
    return found;
}

ErrorOr<void> Server::opened(usize session, terminal::Size size)
{
    if (session >= maximum_sessions)
        return Error(ErrorCode::Full, "vterm: every window is taken");
    closed(session);
    auto index = oldest(true);
    if (!index)
        index = TRY(make_window(size));
    m_windows[*index].session = session;
    m_windows[*index].since = ++m_clock;
    m_window_of[session] = *index;
    return {};
}

void Server::closed(usize session)
{
    auto index = window_of(session);
    if (!index)
        return;
    auto& window = m_windows[*index];
    m_window_of[session].reset();
    window.session.reset();
    window.waiting = false;
    if (!window.shown) {
        destroy_window(*index);
        return;
    }
    window.ended = true;
}

ErrorOr<usize> Server::open_window(terminal::Size size)
{
    auto index = oldest(false);
    if (!index)
        index = TRY(make_window(size));
    m_windows[*index].shown = true;
    m_windows[*index].since = ++m_clock;
    return *index;
}

void Server::close_window(usize index)
{
    if (!has_window(index))
        return;
    if (auto session = m_windows[index].session)
        m_sessions_to_end |= 1u << *session;
    if (m_window_to_focus == index)
        m_window_to_focus.reset();
    destroy_window(index);
}

std::optional<usize> Server::take_session_to_end()
{
    for (usize session = 0; session < maximum_sessions; ++session) {
        if (m_sessions_to_end & (1u << session)) {
            m_sessions_to_end &= ~(1u << session);
            return session;
        }
    }
    return std::nullopt;
}

std::optional<usize> Server::take_window_to_focus()
{
    auto window = m_window_to_focus;
    m_window_to_focus.reset();
    return window;
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

bool Server::is_waiting(usize session) const
{
    auto const* found = window(session);
    return found && found->waiting;
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
    auto index = window_of(session);
    if (!index)
        return std::nullopt;
    auto& window = m_windows[*index];
    if (!window.waiting || !is_due(window, now))
        return std::nullopt;
    window.waiting = false;
    return Answer { window.waiting_call, drain(window) };
}

std::optional<u64> Server::next_deadline() const
{
    std::optional<u64> earliest;
    for (auto const& window : m_windows) {
        if (window.terminal && window.session && window.waiting && (!earliest || window.deadline < *earliest))
            earliest = window.deadline;
    }
    return earliest;
}

ErrorOr<tty::Size> Server::size(usize session) const
{
    auto const* found = window(session);
    if (!found)
        return Error(ErrorCode::NotFound, "vterm: no window for this session");
    auto size = found->terminal->size();
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

bool Server::step_selection(Window& window, u16 code)
{
    auto& model = *window.terminal;
    if (!window.anchor || !model.has_selection()) {
        auto cursor = model.cursor();
        window.anchor = terminal::Position { model.screen_line() + cursor.row, cursor.column };
        window.end = *window.anchor;
    }
    auto& end = window.end;
    u16 last_column = u16(model.size().columns - 1);
    u64 last_line = model.screen_line() + model.size().rows - 1;
    switch (code) {
    case input::key::left:
        if (end.column > 0)
            --end.column;
        else if (end.line > model.first_line())
            end = { end.line - 1, last_column };
        break;
    case input::key::right:
        if (end.column < last_column)
            ++end.column;
        else if (end.line < last_line)
            end = { end.line + 1, 0 };
        break;
    case input::key::up:
        if (end.line > model.first_line())
            --end.line;
        break;
    case input::key::down:
        if (end.line < last_line)
            ++end.line;
        break;
    default:
        return false;
    }
    model.select(*window.anchor, end);
    return true;
}

KeyOutcome Server::key(usize index, terminal::KeyPress const& press)
{
    /* Keys come from a shown window only: a window waiting to be shown has nobody typing in it. */
    if (!is_shown(index))
        return KeyOutcome::Nothing;
    auto& window = m_windows[index];
    u8 modifiers = press.modifiers & modifiers_that_count;
    if (modifiers == chord) {
        switch (press.code) {
        case input::key::enter: {
            auto opened = open_window(window.terminal->size());
            if (opened.is_error())
                return KeyOutcome::Nothing;
            m_window_to_focus = opened.value();
            return KeyOutcome::OpenedWindow;
        }
        case input::key::w:
            close_window(index);
            return KeyOutcome::ClosedWindow;
        case input::key::c:
            if (!window.terminal->has_selection())
                return KeyOutcome::Nothing;
            (void)m_clipboard.copy_from(*window.terminal);
            return KeyOutcome::Copied;
        case input::key::v:
            if (window.ended || !m_clipboard.paste_into(*window.terminal))
                return KeyOutcome::Nothing;
            return KeyOutcome::Pasted;
        default:
            break;
        }
    }
    if (modifiers == input::modifier::shift && step_selection(window, press.code))
        return KeyOutcome::Selected;
    /* A window whose program ended takes no more typing. */
    if (window.ended || !window.terminal->key(press))
        return KeyOutcome::Nothing;
    clear_selection(index);
    return KeyOutcome::Typed;
}

void Server::select(usize index, terminal::Position anchor, terminal::Position end)
{
    if (!has_window(index))
        return;
    m_windows[index].anchor = anchor;
    m_windows[index].end = end;
    m_windows[index].terminal->select(anchor, end);
}

void Server::clear_selection(usize index)
{
    if (!has_window(index))
        return;
    m_windows[index].anchor.reset();
    if (m_windows[index].terminal->has_selection())
        m_windows[index].terminal->clear_selection();
}

ErrorOr<void> Server::resize(usize index, terminal::Size size)
{
    if (!has_window(index))
        return Error(ErrorCode::NotFound, "vterm: no such window");
    auto& window = m_windows[index];
    if (size == window.terminal->size())
        return {};
    TRY(window.terminal->resize(size));
    window.size_changed = true;
    return {};
}

}
