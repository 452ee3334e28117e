/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The vectra.display loop (Server.h): one holder, lent framebuffer copies revoked when it goes or
 * the mode changes, presents checked whole before the backend sees them.
 */

#include <new>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/display/Server.h>
#include <vectra/protocol/Dispatch.h>

namespace vectra::display {

void report_on_console(void* console_report, Rectangle const& rectangle, Statistics const& statistics)
{
    auto const& report = *static_cast<ConsoleReport const*>(console_report);
    if (statistics.presents > report.limit)
        return;
    (void)print_line(*report.console, "{}: present {} of {}x{} at ({}, {}), {} pixels presented in all", report.name,
        statistics.presents, rectangle.width, rectangle.height, rectangle.x, rectangle.y, statistics.presented_pixels);
}

ErrorOr<Mode> Session::handle(ReadMode const&) { return m_server.mode(m_index); }

ErrorOr<FramebufferLent> Session::handle(LendFramebuffer const&, protocol::MessageCapabilities&)
{
    return m_server.lend(m_index);
}

ErrorOr<Presented> Session::handle(Present const& request) { return m_server.present(m_index, request); }

Server::Server(Backend& backend, Settings settings)
    : m_backend(backend)
    , m_settings(settings)
{
    for (usize index = 0; index < maximum_sessions; ++index)
        new (m_sessions[index]) Session(*this, index);
}

ErrorOr<void> Server::hold(usize index)
{
    if (!m_holder)
        m_holder = index;
    if (*m_holder != index) {
        ++m_statistics.refused;
        return Error(DisplayError::Busy, "another session holds the display");
    }
    return {};
}

ErrorOr<Mode> Server::mode(usize index)
{
    TRY(hold(index));
    auto mode = m_backend.mode();
    return Mode { mode.width, mode.height, mode.stride, u8(mode.format), m_statistics.generation };
}

ErrorOr<FramebufferLent> Server::lend(usize index)
{
    TRY(hold(index));
    m_lending = true; /* the loop sends the reply with a copy of the framebuffer */
    return FramebufferLent { m_statistics.generation, u64(m_backend.mode().size()) };
}

ErrorOr<Presented> Server::present(usize index, Present const& request)
{
    TRY(hold(index));
    Rectangle rectangle { request.x, request.y, request.width, request.height };
    if (request.generation != m_statistics.generation) {
        ++m_statistics.refused;
        return Error(DisplayError::ModeChanged, "the present names an earlier mode");
    }
    if (!rectangle.lies_within(m_backend.mode())) {
        ++m_statistics.refused;
        return Error(DisplayError::OutsideMode, "the rectangle is empty or reaches outside the mode");
    }
    if (m_backend.present(rectangle).is_error()) {
        ++m_statistics.refused;
        return Error(DisplayError::DeviceFailed, "the device did not show the rectangle");
    }
    ++m_statistics.presents;
    m_statistics.presented_pixels += u64(rectangle.width) * rectangle.height;
    if (m_settings.report)
        m_settings.report(m_settings.context, rectangle, m_statistics);
    return Presented { m_statistics.presents, m_statistics.presented_pixels };
}

void Server::revoke_lent()
{
    auto revoked = system::revoke(m_backend.framebuffer());
    if (!revoked.is_error())
        m_statistics.revoked += revoked.value();
}

void Server::closed(usize index)
{
    if (m_holder != index)
        return;
    revoke_lent();
    m_holder.reset();
}

void Server::mode_changed()
{
    ++m_statistics.generation;
    revoke_lent();
}

bool Server::take_request(usize index)
{
    auto length = m_table.take_request(index, m_request, 0);
    if (!length)
        return false;
    m_lending = false;
    protocol::MessageCapabilities capabilities;
    usize reply_length
        = protocol::dispatch<Protocol>(session(index), std::span<u8 const>(m_request, *length), m_reply, capabilities);
    auto& slot = m_table.slot(index);
    std::span<u8 const> reply(m_reply, reply_length);
    ErrorOr<void> sent = {};
    if (!slot.outbox) {
        sent = Error(ErrorCode::PeerClosed, "the session is gone");
    } else if (m_lending) {
        sent = endpoint::send_copy(*slot.outbox, reply, m_backend.framebuffer(), RightRead | RightWrite);
        if (!sent.is_error()) {
            ++m_statistics.lent;
        } else if (sent.error().code() != ErrorCode::PeerClosed) {
            /* The framebuffer could not be lent (its MemCap lacks grant): say so instead. */
            auto envelope = protocol::read_envelope(reply);
            u16 number = static_cast<u16>(protocol::index_of<Protocol, LendFramebuffer>() + 1);
            u32 call_id = envelope.is_error() ? 0 : envelope.value().call_id;
            sent = slot.outbox->try_send(std::span<u8 const>(m_reply,
                protocol::encode_status_reply(
                    m_reply, number, call_id, protocol::status_general | u16(sent.error().code()))));
        }
    } else {
        sent = slot.outbox->try_send(reply);
    }
    if (sent.is_error())
        m_table.free(index); /* the Ring-space rule reserved the slot: only a gone client fails here */
    return true;
}

ErrorOr<void> Server::serve(RingCap listen_requests, RingCap listen_replies)
{
    auto* table = TRY(session::Table::listen(m_table, std::move(listen_requests), std::move(listen_replies),
        session::geometry_of<Protocol>(), session::Limits { maximum_sessions, 1 }));
    table->on_change(
        this, [](void*, usize) {}, [](void* server, usize index) { static_cast<Server*>(server)->closed(index); });
    for (;;) {
        TRY(table->serve_listener());
        table->retry_reclaims();
        bool served = false;
        for (usize index = 0; index < table->capacity(); ++index)
            served |= take_request(index);
        if (m_backend.event_pending() && TRY(m_backend.serve_event(0)) == ModeEvent::Changed)
            mode_changed();
        if (served)
            continue;
        u64 backend_bits = m_backend.wait_mask();
        u64 woken = endpoint::wait(table->wait_mask() | backend_bits);
        if ((woken & backend_bits) && TRY(m_backend.serve_event(woken & backend_bits)) == ModeEvent::Changed)
            mode_changed();
    }
}

ErrorOr<void> run(ReticleCap const& memory, Backend& backend, RingCap requests, RingCap replies, Settings settings,
    SignalCap const* ready)
{
    auto placed = TRY(endpoint::memory(memory, sizeof(Server)));
    auto* server = new (placed.data()) Server(backend, settings);
    if (ready)
        TRY(endpoint::raise(*ready));
    auto served = server->serve(std::move(requests), std::move(replies));
    server->~Server();
    return served;
}

}
