/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * compositord's service loop: requests answered at once, frame requests kept until the next
 * presented frame, frames paced to the display (Server.h).
 */

#include <compositord/Server.h>
#include <new>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/protocol/Dispatch.h>

namespace vectra::compositord {

namespace {

using surface::Box;
using surface::Protocol;
using surface::SurfaceError;

constexpr u16 frame_number = static_cast<u16>(protocol::index_of<Protocol, surface::Frame>() + 1);
constexpr u16 state_number = static_cast<u16>(protocol::index_of<Protocol, surface::ReadState>() + 1);
constexpr u16 input_number = static_cast<u16>(protocol::index_of<Protocol, surface::ReadInput>() + 1);

}

ErrorOr<surface::Created> Session::handle(surface::Create const& request, protocol::MessageCapabilities& capabilities)
{
    return surface::Created { TRY(m_server.compositor().create(m_index, request, capabilities.received, Server::kind_of(m_index))) };
}

ErrorOr<protocol::Done> Session::handle(surface::Resize const& request, protocol::MessageCapabilities& capabilities)
{
    TRY(m_server.compositor().resize(m_index, request, capabilities.received));
    return protocol::Done {};
}

ErrorOr<protocol::Done> Session::handle(surface::Damage const& request)
{
    TRY(m_server.compositor().damage(m_index, request));
    return protocol::Done {};
}

ErrorOr<protocol::Done> Session::handle(surface::Move const& request)
{
    TRY(m_server.compositor().move(m_index, request.surface, request.x, request.y));
    return protocol::Done {};
}

ErrorOr<protocol::Done> Session::handle(surface::Raise const& request)
{
    TRY(m_server.compositor().raise(m_index, request.surface));
    return protocol::Done {};
}

ErrorOr<protocol::Done> Session::handle(surface::Lower const& request)
{
    TRY(m_server.compositor().lower(m_index, request.surface));
    return protocol::Done {};
}

ErrorOr<protocol::Done> Session::handle(surface::Focus const& request)
{
    TRY(m_server.compositor().focus(m_index, request.surface));
    return protocol::Done {};
}

ErrorOr<protocol::Done> Session::handle(surface::Destroy const& request)
{
    TRY(m_server.compositor().destroy(m_index, request.surface));
    return protocol::Done {};
}

ErrorOr<protocol::Done> Session::handle(surface::Cursor const& request)
{
    if (m_server.routes_input())
        return Error(SurfaceError::PointerRouted, "the pointer moves the cursor");
    TRY(m_server.compositor().cursor(request.x, request.y, request.visible != 0));
    return protocol::Done {};
}

ErrorOr<surface::FrameDone> Session::handle(surface::Frame const&) { return m_server.frame(m_index); }

ErrorOr<surface::InputEvents> Session::handle(surface::ReadInput const& request) { return m_server.read_input(m_index, request); }

ErrorOr<surface::State> Session::handle(surface::ReadState const&)
{
    auto& compositor = m_server.compositor();
    return surface::State { compositor.target().width, compositor.target().height, compositor.focused_for(m_index),
        u32(compositor.surface_count(m_index)), m_server.frames() };
}

Server::Server(DisplayLink& display, surface::Target target, Settings settings, InputLink* input)
    : m_display(display)
    , m_settings(settings)
    , m_compositor(target, background_colour)
    , m_input(input)
    , m_router(m_compositor)
{
    for (usize index = 0; index < maximum_sessions; ++index)
        new (m_sessions[index]) Session(*this, index);
}

ErrorOr<surface::FrameDone> Server::frame(usize index)
{
    if (m_waiting[index].used)
        return Error(SurfaceError::Busy, "a frame request already waits");
    auto& frames = m_session_frames[index];
    if (frames.unclaimed) {
        frames.unclaimed = false;
        return frames.presented;
    }
    m_waiting[index] = { true, m_call_id };
    m_kept = true;
    return Error(ErrorCode::Busy, "kept: answered after the next frame");
}

ErrorOr<surface::InputEvents> Server::read_input(usize index, surface::ReadInput const& request)
{
    if (m_waiting_input[index].used)
        return Error(SurfaceError::Busy, "an input read already waits");
    if (m_router.has_events(index) || request.wait_ms == 0)
        return m_router.drain(index);
    u32 milliseconds = request.wait_ms > surface::maximum_input_wait_ms ? surface::maximum_input_wait_ms : request.wait_ms;
    m_waiting_input[index] = { true, m_call_id, endpoint::now_nanoseconds() + u64(milliseconds) * 1'000'000 };
    m_kept = true;
    return Error(ErrorCode::Busy, "kept: answered at an event or its deadline");
}

void Server::closed(usize index)
{
    m_waiting[index] = WaitingFrame();
    m_waiting_input[index] = WaitingInput();
    m_session_frames[index] = SessionFrames();
    m_compositor.close_session(index);
    m_router.notice_focus();
    m_router.close_session(index);
}

u64 Server::serve_input(u64 now)
{
    if (m_input) {
        auto taken = m_input->take();
        if (!taken.is_error() && taken.value()) {
            for (auto const& event : taken.value()->events)
                m_router.route(event);
        }
        auto sent = taken.is_error() ? ErrorOr<void>(taken.release_error()) : m_input->request();
        if (sent.is_error() && !m_input->reconnect().is_error())
            (void)m_input->request();
    }
    u64 earliest = ~u64(0);
    for (usize index = 0; index < maximum_sessions; ++index) {
        auto& waiting = m_waiting_input[index];
        if (!waiting.used)
            continue;
        if (!m_router.has_events(index) && now < waiting.deadline) {
            earliest = waiting.deadline < earliest ? waiting.deadline : earliest;
            continue;
        }
        auto encoded = protocol::encode_message(m_reply, static_cast<u16>(input_number | protocol::reply_flag),
            protocol::status_success, waiting.call_id, m_router.drain(index));
        u32 call_id = waiting.call_id;
        waiting = WaitingInput();
        reply(index, encoded.is_error() ? protocol::encode_status_reply(m_reply, input_number, call_id,
                                              protocol::status_general | u16(ErrorCode::TooLarge))
                                        : encoded.value());
    }
    return earliest;
}

void Server::reply(usize index, usize length)
{
    table_of(index).send_reply(local_index(index), std::span<u8 const>(m_reply, length));
}

void Server::handle(usize index, std::span<u8 const> request, protocol::MessageCapabilities& capabilities)
{
    auto envelope = protocol::read_envelope(request);
    if (!envelope.is_error() && envelope.value().message == frame_number && m_waiting[index].used) {
        reply(index, protocol::encode_status_reply(m_reply, frame_number, envelope.value().call_id, u16(SurfaceError::Busy)));
        return;
    }
    m_call_id = envelope.is_error() ? 0 : envelope.value().call_id;
    m_kept = false;
    usize length = protocol::dispatch<Protocol>(session(index), request, m_reply, capabilities);
    /* A focus request or a destroyed surface may have moved the focus: its sessions are told. */
    m_router.notice_focus();
    if (m_kept)
        return;
    /* A change taken (any request but frame and state, answered with success): not yet presented. */
    auto answer = protocol::read_envelope(std::span<u8 const>(m_reply, length));
    u16 message = envelope.is_error() ? 0 : envelope.value().message;
    if (message != frame_number && message != state_number && message != input_number && !answer.is_error()
        && answer.value().status == protocol::status_success)
        m_session_frames[index] = SessionFrames { true, false, {} };
    reply(index, length);
}

bool Server::take_requests(usize index)
{
    /* Every reply compositord owes this session must fit its replies Ring. */
    if (index >= client_sessions && !m_privileged_bound)
        return false;
    /* A carried MemCap reaches create and resize, which keep it; any other is discarded. */
    return table_of(index).take_request_handled(local_index(index), m_request,
        (m_waiting[index].used ? 1 : 0) + (m_waiting_input[index].used ? 1 : 0),
        [&](std::span<u8 const> request, protocol::MessageCapabilities& capabilities) { handle(index, request, capabilities); });
}

bool Server::frame_wanted() const
{
    if (m_compositor.has_damage())
        return true;
    for (auto const& waiting : m_waiting) {
        if (waiting.used)
            return true;
    }
    return false;
}

void Server::present_frame()
{
    auto frame = m_compositor.compose();
    if (frame.surfaces_ended > 0)
        m_router.notice_focus();
    for (auto const& box : frame.damage.boxes()) {
        Box on_screen = box.intersected(m_compositor.target().screen());
        if (on_screen.is_empty())
            continue;
        auto presented = m_display.present(on_screen.rectangle());
        if (presented.is_error() || presented.value() != Presented::ModeChanged)
            continue;
        /* A new mode: its framebuffer is composed whole at the next frame (the old one is revoked). */
        auto target = m_display.acquire();
        if (!target.is_error())
            m_compositor.retarget(target.value());
        break;
    }
    u64 now = endpoint::now_nanoseconds();
    m_last_frame_ns = now;
    ++m_frames;
    FrameReport report { m_frames, frame.composed.pixels, frame.composed.copied, frame.composed.boxes,
        m_compositor.surface_count(), frame.surfaces_ended, now };
    if (m_settings.report && (frame.composed.pixels > 0 || frame.surfaces_ended > 0))
        m_settings.report(m_settings.context, report);
    surface::FrameDone done { m_frames, now, frame.composed.pixels };
    for (usize index = 0; index < maximum_sessions; ++index) {
        auto& waiting = m_waiting[index];
        auto& frames = m_session_frames[index];
        if (!waiting.used) {
            if (frames.changed)
                frames = SessionFrames { false, true, done };
            continue;
        }
        frames = SessionFrames();
        auto encoded = protocol::encode_message(
            m_reply, static_cast<u16>(frame_number | protocol::reply_flag), protocol::status_success, waiting.call_id, done);
        waiting = WaitingFrame();
        if (!encoded.is_error())
            reply(index, encoded.value());
    }
}

ErrorOr<void> Server::serve(RingCap listen_requests, RingCap listen_replies, PrivilegedListener* privileged)
{
    auto* table = TRY(session::Table::listen(m_table, std::move(listen_requests), std::move(listen_replies),
        session::geometry_of<Protocol>(), session::Limits { client_sessions, 1 }));
    table->on_change(
        this, [](void*, usize) {}, [](void* server, usize index) { static_cast<Server*>(server)->closed(index); });
    if (privileged) {
        TRY(session::Table::listen(m_privileged, std::move(privileged->requests), std::move(privileged->replies),
            session::geometry_of<Protocol>(), session::Limits { privileged_sessions, 1 }, privileged_bits));
        m_privileged.on_change(
            this, [](void*, usize) {},
            [](void* server, usize index) { static_cast<Server*>(server)->closed(client_sessions + index); });
        m_privileged_bound = true;
    }
    for (;;) {
        TRY(table->serve_listener());
        table->retry_reclaims();
        if (m_privileged_bound) {
            TRY(m_privileged.serve_listener());
            m_privileged.retry_reclaims();
        }
        bool served = false;
        for (usize index = 0; index < maximum_sessions; ++index)
            served |= take_requests(index);
        u64 now = endpoint::now_nanoseconds();
        u64 input_deadline = serve_input(now);
        u64 next_frame = m_last_frame_ns + m_settings.frame_interval_ns;
        bool wanted = frame_wanted();
        if (wanted && now >= next_frame) {
            present_frame();
            continue;
        }
        if (served)
            continue;
        u64 mask = table->wait_mask() | (m_input ? m_input->wait_mask() : 0) | (m_privileged_bound ? m_privileged.wait_mask() : 0);
        u64 deadline = wanted ? next_frame : ~u64(0);
        deadline = input_deadline < deadline ? input_deadline : deadline;
        if (deadline != ~u64(0))
            (void)endpoint::wait_until(mask | timer_bit.mask(), deadline, timer_bit);
        else
            (void)endpoint::wait(mask);
    }
}

ErrorOr<void> run(ReticleCap const& memory, DisplayLink& display, RingCap requests, RingCap replies, Settings settings,
    SignalCap const* ready, InputLink* input, PrivilegedListener* privileged)
{
    auto target = TRY(display.acquire());
    auto placed = TRY(endpoint::memory(memory, sizeof(Server)));
    auto* server = new (placed.data()) Server(display, target, settings, input);
    server->compositor().damage_screen();
    server->present_frame();
    if (ready)
        TRY(endpoint::raise(*ready));
    auto served = server->serve(std::move(requests), std::move(replies), privileged);
    server->~Server();
    return served;
}

}
