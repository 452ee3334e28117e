/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * inputd's service loop: raw events decoded and routed to the focused session (Server.h).
 */

#include <inputd/Server.h>
#include <new>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/protocol/Dispatch.h>

namespace vectra::inputd {

namespace {

using input::InputError;

constexpr u16 read_number = static_cast<u16>(protocol::index_of<input::Protocol, input::Read>() + 1);
static_assert(protocol::payload_capacity<input::Protocol> >= protocol::payload_capacity<input::device::Protocol>);
static_assert(protocol::payload_capacity<input::Protocol> >= protocol::payload_capacity<input::focus::Protocol>);

u8 action_of(input::KeyAction action)
{
    switch (action) {
    case input::KeyAction::Press:
        return input::key_action::press;
    case input::KeyAction::Release:
        return input::key_action::release;
    case input::KeyAction::Repeat:
        return input::key_action::repeat;
    }
    return 0;
}

input::InputEvent key_event(input::KeyEvent const& key)
{
    input::InputEvent event;
    event.kind = input::event_kind::key;
    event.action = action_of(key.action);
    event.code = key.code;
    event.modifiers = key.modifiers;
    for (u8 index = 0; index < key.character_count && index < 2; ++index)
        (void)event.characters.try_append(key.characters[index]);
    return event;
}

bool is_button(u16 code) { return code >= 0x100 && code < 0x160; }

bool is_status_error(std::span<u8 const> reply)
{
    auto envelope = protocol::read_envelope(reply);
    return envelope.is_error() || envelope.value().status != protocol::status_success;
}

}

ErrorOr<protocol::Done> DeviceHandler::handle(input::device::Describe const& request) { return m_server.describe(m_index, request); }

ErrorOr<input::device::Taken> DeviceHandler::handle(input::device::Events const& request)
{
    return m_server.take_events(m_index, request, endpoint::now_nanoseconds());
}

ErrorOr<input::Identity> ClientHandler::handle(input::Identify const&) { return input::Identity { m_server.client_id(m_index) }; }

ErrorOr<input::ReadEvents> ClientHandler::handle(input::Read const& request) { return m_server.read(m_index, request); }

ErrorOr<protocol::Done> FocusHandler::handle(input::focus::SetFocus const& request) { return m_server.set_focus(request.client); }

ErrorOr<input::focus::Counters> FocusHandler::handle(input::focus::ReadCounters const&) { return m_server.counters(); }

Server::Server(Configuration const& configuration)
    : m_configuration(configuration)
    , m_keyboard(*configuration.keymap, configuration.repeat)
{
}

ErrorOr<protocol::Done> Server::describe(usize index, input::device::Describe const& description)
{
    TRY(input::device::check(description));
    auto& device = m_devices[index];
    std::optional<input::Pointer> pointer;
    if (description.kind & input::device::kind::pointer)
        pointer = TRY(input::Pointer::create({ description.x_minimum, description.x_maximum },
            { description.y_minimum, description.y_maximum }, m_configuration.width, m_configuration.height));
    /* A device described again was restarted: whatever it held is released, without reports. */
    if (device.kind & input::device::kind::keyboard)
        m_keyboard.forget_keys();
    device.kind = description.kind;
    device.pointer = pointer;
    device.pointer_changed = false;
    return protocol::Done {};
}

bool Server::take_event(Device& device, input::device::RawEvent const& raw, u64 now)
{
    input::Event event { raw.type, raw.code, static_cast<u32>(raw.value) };
    bool keyboard = (device.kind & input::device::kind::keyboard) != 0;
    bool pointing = device.pointer.has_value();
    if (raw.type == input::event_type::synchronise) {
        if (raw.code != input::synchronise_report)
            return false;
        if (!pointing || !device.pointer_changed)
            return true;
        auto report = device.pointer->handle(event);
        device.pointer_changed = false;
        if (report.is_error())
            return false;
        input::InputEvent out;
        out.kind = input::event_kind::pointer;
        out.x = report.value().x;
        out.y = report.value().y;
        out.buttons = report.value().buttons;
        deliver(out);
        return true;
    }
    if (raw.type == input::event_type::key && keyboard && !is_button(raw.code)) {
        auto key = m_keyboard.handle(raw.code, event.value, now);
        if (key.is_error())
            return false;
        deliver(key_event(key.value()));
        return true;
    }
    if (pointing && (raw.type == input::event_type::absolute || raw.type == input::event_type::key)) {
        auto taken = device.pointer->handle(event);
        if (taken.is_error() && !taken.error().is(ErrorCode::NotFound))
            return false;
        device.pointer_changed = true;
        return true;
    }
    return false;
}

ErrorOr<input::device::Taken> Server::take_events(usize index, input::device::Events const& request, u64 now)
{
    auto& device = m_devices[index];
    if (device.kind == 0)
        return Error(input::device::DeviceError::NotDescribed, "describe the device first");
    input::device::Taken taken;
    for (auto const& raw : request.events) {
        if (take_event(device, raw, now))
            ++taken.accepted;
        else
            ++taken.refused;
    }
    m_counters.events_accepted += taken.accepted;
    m_counters.events_refused += taken.refused;
    return taken;
}

void Server::repeat(u64 now)
{
    auto repeated = m_keyboard.repeat(now);
    if (repeated.is_error())
        return;
    ++m_counters.repeats;
    deliver(key_event(repeated.value()));
}

std::optional<usize> Server::focused_session() const
{
    if (m_focused == 0)
        return std::nullopt;
    for (usize index = 0; index < maximum_sessions; ++index) {
        if (m_clients[index].id == m_focused)
            return index;
    }
    return std::nullopt;
}

void Server::deliver(input::InputEvent const& event)
{
    auto focused = focused_session();
    if (!focused) {
        ++m_counters.unrouted;
        return;
    }
    auto& client = m_clients[*focused];
    /* A full queue takes a pointer report in place of a queued one with the same buttons just before it: in a
       flood of motion the newest position is never the one dropped, and every button change is kept. */
    if (event.kind == input::event_kind::pointer && client.count == input::queued_events) {
        auto& last = client.queue[(client.first + client.count - 1) % input::queued_events];
        if (last.kind == input::event_kind::pointer && last.buttons == event.buttons) {
            last = event;
            ++m_counters.delivered;
            return;
        }
    }
    if (client.count == input::queued_events) {
        ++client.dropped;
        ++m_counters.dropped;
        return;
    }
    client.queue[(client.first + client.count) % input::queued_events] = event;
    ++client.count;
    ++m_counters.delivered;
}

input::ReadEvents Server::drain(Client& client)
{
    input::ReadEvents events;
    while (client.count > 0 && events.events.size() < input::maximum_read_events) {
        (void)events.events.try_append(client.queue[client.first]);
        client.first = (client.first + 1) % input::queued_events;
        --client.count;
    }
    events.dropped = client.dropped;
    client.dropped = 0;
    return events;
}

ErrorOr<input::ReadEvents> Server::read(usize index, input::Read const& request)
{
    auto& client = m_clients[index];
    if (client.id == 0 || client.id != m_focused)
        return Error(InputError::NotFocused, "this session does not have the focus");
    if (client.waiting)
        return Error(InputError::Busy, "a read is already waiting");
    if (client.count > 0 || client.dropped > 0 || request.wait_ms == 0)
        return drain(client);
    u32 milliseconds = request.wait_ms > input::maximum_wait_ms ? input::maximum_wait_ms : request.wait_ms;
    client.waiting = true;
    client.waiting_call = m_call_id;
    client.deadline = endpoint::now_nanoseconds() + u64(milliseconds) * 1'000'000;
    m_kept = true;
    return Error(ErrorCode::Busy, "kept: answered at an event, its deadline or the loss of focus");
}

ErrorOr<protocol::Done> Server::set_focus(u32 client)
{
    std::optional<usize> next;
    if (client != 0) {
        for (usize index = 0; index < maximum_sessions; ++index) {
            if (m_clients[index].id == client)
                next = index;
        }
        if (!next)
            return Error(input::focus::FocusError::NoSuchClient, "no open session has this client id");
    }
    if (auto previous = focused_session(); previous && previous != next) {
        auto& losing = m_clients[*previous];
        losing.first = 0;
        losing.count = 0;
        losing.dropped = 0;
        if (losing.waiting) {
            losing.waiting = false;
            reply(*previous,
                protocol::encode_status_reply(m_reply, read_number, losing.waiting_call, u16(InputError::NotFocused)));
        }
    }
    m_focused = client;
    m_counters.focused = client;
    return protocol::Done {};
}

void Server::opened(usize index)
{
    m_clients[index] = Client();
    m_clients[index].id = m_next_client_id++;
}

void Server::closed(usize index)
{
    if (m_clients[index].id != 0 && m_clients[index].id == m_focused) {
        m_focused = 0;
        m_counters.focused = 0;
    }
    m_clients[index] = Client();
}

void Server::reply(usize index, usize length)
{
    m_table.send_reply(index, std::span<u8 const>(m_reply, length));
}

void Server::answer_waiting(usize index, u64 now)
{
    auto& client = m_clients[index];
    if (!client.waiting || (client.count == 0 && client.dropped == 0 && now < client.deadline))
        return;
    client.waiting = false;
    auto length = protocol::encode_message(
        m_reply, static_cast<u16>(read_number | protocol::reply_flag), protocol::status_success, client.waiting_call, drain(client));
    reply(index, length.is_error() ? protocol::encode_status_reply(m_reply, read_number, client.waiting_call,
                                         protocol::status_general | u16(ErrorCode::TooLarge))
                                   : length.value());
}

bool Server::take_session_request(usize index)
{
    /* Every reply owed to this session must fit its replies Ring; inputd takes bytes only. */
    auto length = m_table.take_request(index, m_request, m_clients[index].waiting ? 1 : 0);
    if (!length)
        return false;
    std::span<u8 const> request(m_request, *length);
    auto envelope = protocol::read_envelope(request);
    m_call_id = envelope.is_error() ? 0 : envelope.value().call_id;
    m_kept = false;
    ClientHandler handler(*this, index);
    usize reply_length = protocol::dispatch<input::Protocol>(handler, request, m_reply);
    if (!m_kept)
        reply(index, reply_length);
    return true;
}

bool Server::take_device_request(usize index)
{
    auto& device = m_devices[index];
    if (!device.inbox || device.outbox->free_slots() < 1)
        return false;
    auto received = device.inbox->try_receive(m_request);
    if (received.is_error()) {
        if (received.error().code() == ErrorCode::Empty)
            return false;
        /* The driver restarted (its Rings reset) or went: bind again, as its new instance will. */
        device.inbox.reset();
        device.outbox.reset();
        auto inbox = endpoint::bind_receiver(device.rings->requests, input::device::schema_id, device_request_bits[index]);
        auto outbox = endpoint::bind_sender(device.rings->replies, input::device::schema_id, device_space_bits[index]);
        if (!inbox.is_error() && !outbox.is_error()) {
            device.inbox = inbox.value();
            device.outbox = outbox.value();
        }
        if (device.kind & input::device::kind::keyboard)
            m_keyboard.forget_keys();
        device.kind = 0;
        return false;
    }
    if (received.value().has_capability)
        endpoint::discard(received.value().capability);
    DeviceHandler handler(*this, index);
    usize length = protocol::dispatch<input::device::Protocol>(handler, std::span<u8 const>(m_request, received.value().length), m_reply);
    if (is_status_error({ m_reply, length }))
        ++m_counters.requests_refused;
    (void)device.outbox->try_send(std::span<u8 const>(m_reply, length));
    return true;
}

bool Server::take_focus_request()
{
    if (!m_focus_inbox || m_focus_outbox->free_slots() < 1)
        return false;
    auto received = m_focus_inbox->try_receive(m_request);
    if (received.is_error())
        return false;
    if (received.value().has_capability)
        endpoint::discard(received.value().capability);
    FocusHandler handler(*this);
    usize length = protocol::dispatch<input::focus::Protocol>(handler, std::span<u8 const>(m_request, received.value().length), m_reply);
    if (is_status_error({ m_reply, length }))
        ++m_counters.requests_refused;
    (void)m_focus_outbox->try_send(std::span<u8 const>(m_reply, length));
    return true;
}

u64 Server::wait_mask() const
{
    u64 mask = m_table.wait_mask() | focus_request_bit.mask() | focus_space_bit.mask();
    for (usize index = 0; index < m_device_count; ++index)
        mask |= device_request_bits[index].mask() | device_space_bits[index].mask();
    return mask;
}

ErrorOr<void> Server::serve(
    RingCap listen_requests, RingCap listen_replies, std::span<ConnectionRings> devices, ConnectionRings* focus)
{
    if (devices.size() > maximum_devices)
        return Error(ErrorCode::InvalidArgument, "inputd serves at most two devices");
    m_device_count = devices.size();
    for (usize index = 0; index < devices.size(); ++index) {
        auto& device = m_devices[index];
        device.rings.emplace(std::move(devices[index]));
        device.inbox = TRY(endpoint::bind_receiver(device.rings->requests, input::device::schema_id, device_request_bits[index]));
        device.outbox = TRY(endpoint::bind_sender(device.rings->replies, input::device::schema_id, device_space_bits[index]));
    }
    if (focus) {
        m_focus_inbox = TRY(endpoint::bind_receiver(focus->requests, input::focus::schema_id, focus_request_bit));
        m_focus_outbox = TRY(endpoint::bind_sender(focus->replies, input::focus::schema_id, focus_space_bit));
    }
    auto* table = TRY(session::Table::listen(m_table, std::move(listen_requests), std::move(listen_replies),
        session::geometry_of<input::Protocol>(), session::Limits { maximum_sessions, 1 }));
    table->on_change(
        this, [](void* server, usize index) { static_cast<Server*>(server)->opened(index); },
        [](void* server, usize index) { static_cast<Server*>(server)->closed(index); });
    for (;;) {
        TRY(table->serve_listener());
        table->retry_reclaims();
        bool served = false;
        for (usize index = 0; index < m_device_count; ++index)
            served |= take_device_request(index);
        served |= take_focus_request();
        for (usize index = 0; index < table->capacity(); ++index)
            served |= take_session_request(index);
        u64 now = endpoint::now_nanoseconds();
        repeat(now);
        u64 deadline = ~u64(0);
        if (auto due = m_keyboard.next_repeat(); !due.is_error())
            deadline = due.value();
        for (usize index = 0; index < table->capacity(); ++index) {
            answer_waiting(index, now);
            if (m_clients[index].waiting && m_clients[index].deadline < deadline)
                deadline = m_clients[index].deadline;
        }
        if (served)
            continue;
        if (deadline != ~u64(0))
            (void)endpoint::wait_until(wait_mask() | timer_bit.mask(), deadline, timer_bit);
        else
            (void)endpoint::wait(wait_mask());
    }
}

ErrorOr<void> run(ReticleCap const& memory, RingCap requests, RingCap replies, std::span<ConnectionRings> devices,
    ConnectionRings* focus, Configuration const& configuration, SignalCap const* ready)
{
    auto placed = TRY(endpoint::memory(memory, sizeof(Server)));
    auto* server = new (placed.data()) Server(configuration);
    if (ready)
        TRY(endpoint::raise(*ready));
    auto served = server->serve(std::move(requests), std::move(replies), devices, focus);
    server->~Server();
    return served;
}

}
