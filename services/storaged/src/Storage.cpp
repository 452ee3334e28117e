/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <storaged/Storage.h>
#include <string.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>

namespace vectra::storaged {

using P = block::Protocol;
using block::BlockError;

namespace {

constexpr u32 synchronous_call = 0xFFFFFFFFu; /* the tag of start()'s own calls; in-flight tags are 0…63 */
constexpr u64 start_timeout_nanoseconds = 5'000'000'000;

template<typename Request>
constexpr u16 number_of = static_cast<u16>(protocol::index_of<P, Request>() + 1);

u16 status_for(Error const& error) { return protocol::status_of<P>(error, block::domain); }

/* The driver's call id for a request: its slot, with its sequence number above (never synchronous_call). */
u32 call_id_for(usize slot, u64 sequence)
{
    constexpr u64 sequences = (u64(1) << 31) / maximum_in_flight;
    return static_cast<u32>((sequence % sequences) * maximum_in_flight + slot);
}

/* Answers the messages storaged answers itself: info, select-partition, counters. */
class LocalHandler {
public:
    LocalHandler(block::Geometry const& disk, block::gpt::Table const& table, std::optional<block::Window>& window,
        block::SessionAccount& account)
        : m_disk(disk)
        , m_table(table)
        , m_window(window)
        , m_account(account)
    {
    }

    ErrorOr<block::Geometry> handle(block::Info const&)
    {
        if (!m_window)
            return refused(Error(BlockError::NoPartitionSelected, "select a partition first"));
        return geometry();
    }
    ErrorOr<block::Geometry> handle(block::SelectPartition const& request)
    {
        if (m_window)
            return refused(Error(BlockError::PartitionAlreadySelected, "a session serves one partition"));
        auto const* partition = m_table.find(request.name.view());
        if (partition == nullptr)
            return refused(Error(BlockError::NoSuchPartition, "no partition of that name"));
        block::Window disk { 0, m_disk.block_count, m_disk.maximum_blocks, m_disk.read_only };
        m_window = TRY(disk.narrowed(partition->first_block, partition->block_count(), false));
        return geometry();
    }
    ErrorOr<block::Counters> handle(block::ReadCounters const&) { return m_account.counters(); }
    /* Forwarded messages never reach here (Storage::forward takes them). */
    ErrorOr<protocol::Done> handle(block::Read const&) { return unreachable(); }
    ErrorOr<protocol::Done> handle(block::Write const&) { return unreachable(); }
    ErrorOr<protocol::Done> handle(block::Flush const&) { return unreachable(); }
    ErrorOr<protocol::Done> handle(block::Discard const&) { return unreachable(); }
    ErrorOr<protocol::Done> handle(block::WriteZeroes const&) { return unreachable(); }

private:
    block::Geometry geometry() const
    {
        block::Geometry geometry = m_disk;
        geometry.block_count = m_window->block_count;
        geometry.read_only = m_window->read_only;
        geometry.queue_limit = m_account.queue_limit();
        return geometry;
    }
    Error refused(Error error)
    {
        m_account.refuse();
        return error;
    }
    static Error unreachable() { return Error(ErrorCode::Unsupported, "forwarded messages are not answered here"); }

    block::Geometry const& m_disk;
    block::gpt::Table const& m_table;
    std::optional<block::Window>& m_window;
    block::SessionAccount& m_account;
};

}

/* The disk as the GPT parser reads it: one block at a time through the driver, into `bounce`. */
class Storage::GptReader final : public block::gpt::Disk {
public:
    GptReader(Storage& storage, MemCap const& bounce)
        : m_storage(storage)
        , m_bounce(bounce)
    {
    }
    u32 block_size() const override { return m_storage.m_disk.block_size; }
    u64 block_count() const override { return m_storage.m_disk.block_count; }
    ErrorOr<void> read_block(u64 block, std::span<u8> into) override
    {
        u8 request[protocol::payload_capacity<P>];
        u8 reply[protocol::payload_capacity<P>];
        usize length = TRY(protocol::encode_request<P>(block::Read { block, 1, 0 }, synchronous_call, request));
        TRY(m_storage.disk_call(std::span<u8 const>(request, length), &m_bounce, RightRead | RightWrite, reply));
        auto bytes = TRY(system::map_memory_read_only(m_bounce));
        if (bytes.size() < into.size())
            return Error(ErrorCode::TooLarge, "blocks above 4 KiB");
        memcpy(into.data(), bytes.data(), into.size());
        return {};
    }

private:
    Storage& m_storage;
    MemCap const& m_bounce;
};

ErrorOr<void> Storage::bind_disk()
{
    if (m_disk_requests)
        m_disk_requests->unbind();
    if (m_disk_replies)
        m_disk_replies->unbind();
    m_disk_requests = TRY(endpoint::bind_sender(*m_disk_requests_cap, block::schema_id, disk_space_bit));
    m_disk_replies = TRY(endpoint::bind_receiver(*m_disk_replies_cap, block::schema_id, disk_reply_bit));
    return {};
}

ErrorOr<usize> Storage::disk_call(std::span<u8 const> request, MemCap const* memory, Rights keep, std::span<u8> reply)
{
    if (memory)
        TRY(m_disk_requests->try_send_copy(request, *memory, keep));
    else
        TRY(m_disk_requests->try_send(request));
    u64 deadline = endpoint::now_nanoseconds() + start_timeout_nanoseconds;
    for (;;) {
        auto received = endpoint::receive(*m_disk_replies, reply);
        if (!received.is_error()) {
            if (received.value().has_capability)
                endpoint::discard(received.value().capability);
            auto envelope = TRY(protocol::read_envelope(reply.first(received.value().length)));
            if (envelope.call_id != synchronous_call)
                continue;
            if (envelope.status != protocol::status_success)
                return protocol::error_of_status(envelope.status, block::domain);
            return received.value().length;
        }
        if (received.error().code() != ErrorCode::Empty)
            return received.release_error();
        if (endpoint::now_nanoseconds() >= deadline)
            return Error(ErrorCode::TimedOut, "the block driver did not answer");
        (void)endpoint::wait_until(disk_reply_bit.mask(), deadline, disk_timeout_bit);
    }
}

ErrorOr<void> Storage::start(RingCap disk_requests, RingCap disk_replies, MemCap bounce, Settings settings)
{
    m_settings = settings;
    if (m_settings.sessions > maximum_sessions)
        m_settings.sessions = maximum_sessions;
    m_disk_requests_cap = std::move(disk_requests);
    m_disk_replies_cap = std::move(disk_replies);
    TRY(bind_disk());
    u8 request[protocol::payload_capacity<P>];
    u8 reply[protocol::payload_capacity<P>];
    usize length = TRY(protocol::encode_request<P>(block::Info {}, synchronous_call, request));
    usize answer = TRY(disk_call(std::span<u8 const>(request, length), nullptr, 0, reply));
    if (protocol::decode_body(std::span<u8 const>(reply, answer), m_disk).is_error())
        return Error(ErrorCode::MalformedMessage, "the driver's info reply does not decode");
    if (m_disk.block_size < 512 || m_disk.block_size > block::gpt::maximum_block_size || m_disk.maximum_blocks == 0
        || m_disk.queue_limit == 0)
        return Error(ErrorCode::Unsupported, "the driver's geometry is not one storaged serves");
    GptReader reader(*this, bounce);
    m_table = TRY(block::gpt::read(reader));
    return {};
}

void Storage::opened(usize index)
{
    m_state[index].window.reset();
    m_state[index].account.emplace(m_settings.queue_limit);
}

void Storage::freed(usize index)
{
    m_state[index].window.reset();
    m_state[index].account.reset();
    ++m_state[index].epoch; /* replies still on their way for it are dropped */
}

usize Storage::free_tag() const
{
    for (usize tag = 0; tag < maximum_in_flight; ++tag) {
        if (!m_flight[tag].used)
            return tag;
    }
    return maximum_in_flight;
}

usize Storage::in_flight() const
{
    usize count = 0;
    for (auto const& flight : m_flight)
        count += flight.used ? 1 : 0;
    return count;
}

bool Storage::reply_to(usize index, std::span<u8 const> reply)
{
    auto& slot = m_sessions.slot(index);
    if (slot.state != session::Table::State::Open && slot.state != session::Table::State::Opening)
        return true; /* the session went: nobody to answer */
    auto sent = slot.outbox->try_send(reply);
    if (!sent.is_error())
        return true;
    if (sent.error().code() == ErrorCode::Full)
        return false;
    m_sessions.free(index);
    return true;
}

ErrorOr<void> Storage::send_forwarded(InFlight& flight)
{
    std::span<u8 const> message(flight.forwarded, flight.length);
    if (!flight.memory)
        return m_disk_requests->try_send(message);
    auto memory = TRY(flight.memory->as<CapabilityClass::Memory>());
    return m_disk_requests->try_send_copy(message, memory, flight.forward_rights);
}

u16 Storage::forward(usize index, protocol::Envelope const& envelope, std::span<u8 const> request,
    std::optional<ReceivedCapability>& carried)
{
    auto& state = m_state[index];
    auto& account = *state.account;
    auto refuse = [&](Error error) {
        account.refuse();
        return status_for(error);
    };
    if (!state.window)
        return refuse(Error(BlockError::NoPartitionSelected, "select a partition first"));
    block::Window const& window = *state.window;
    InFlight flight;
    flight.message = envelope.message;
    u64 block = 0;
    u32 count = 0;
    auto decode = [&](auto& body) -> bool { return !protocol::decode_body(request, body).is_error(); };
    /* A read or write carries the client's MemCap, and offset + count blocks must fit in it. */
    auto memory_unusable = [&](u64 offset, u32 blocks) -> std::optional<Error> {
        if (!carried || carried->capability_class != CapabilityClass::Memory)
            return Error(BlockError::BufferUnusable, "a read or write carries the MemCap it moves data through");
        auto view = system::map_memory_read_only(carried->as<CapabilityClass::Memory>().value());
        if (view.is_error())
            return Error(BlockError::BufferUnusable, "the MemCap cannot be read");
        auto fits = block::check_buffer(offset, blocks, m_disk.block_size, view.value().size());
        if (fits.is_error())
            return fits.release_error();
        return {};
    };
    ErrorOr<u64> first = u64(0);
    switch (envelope.message) {
    case number_of<block::Read>: {
        block::Read body;
        if (!decode(body))
            return refuse(Error(ErrorCode::MalformedMessage, "a read that does not decode"));
        block = body.block;
        count = body.count;
        first = window.translate(block, count);
        if (!first.is_error()) {
            flight.length = protocol::encode_request<P>(block::Read { first.value(), count, body.offset }, 0,
                flight.forwarded).value();
            flight.kind = block::RequestKind::Read;
            flight.forward_rights = RightRead | RightWrite;
            flight.bytes = u64(count) * m_disk.block_size;
        }
        if (!first.is_error()) {
            if (auto unusable = memory_unusable(body.offset, count))
                return refuse(*unusable);
        }
        break;
    }
    case number_of<block::Write>: {
        block::Write body;
        if (!decode(body))
            return refuse(Error(ErrorCode::MalformedMessage, "a write that does not decode"));
        block = body.block;
        count = body.count;
        first = window.translate_for_writing(block, count);
        if (!first.is_error()) {
            flight.length = protocol::encode_request<P>(
                block::Write { first.value(), count, body.offset, body.force_unit_access }, 0, flight.forwarded)
                                .value();
            flight.kind = block::RequestKind::Write;
            flight.forward_rights = RightRead;
            flight.bytes = u64(count) * m_disk.block_size;
            if (auto unusable = memory_unusable(body.offset, count))
                return refuse(*unusable);
        }
        break;
    }
    case number_of<block::Flush>: {
        block::Flush body;
        if (!decode(body))
            return refuse(Error(ErrorCode::MalformedMessage, "a flush that does not decode"));
        if (window.read_only)
            return refuse(Error(BlockError::ReadOnly, "the partition is read-only"));
        if (!m_disk.flush)
            return refuse(Error(BlockError::NotOffered, "the disk has no write cache to flush"));
        flight.length = protocol::encode_request<P>(body, 0, flight.forwarded).value();
        flight.kind = block::RequestKind::Flush;
        break;
    }
    case number_of<block::Discard>:
    case number_of<block::WriteZeroes>: {
        bool zeroes = envelope.message == number_of<block::WriteZeroes>;
        if (!(zeroes ? m_disk.write_zeroes : m_disk.discard))
            return refuse(Error(BlockError::NotOffered, "the disk does not offer it"));
        block::Discard body; /* the same two fields; each is re-encoded as its own message */
        block::WriteZeroes zero_body;
        if (zeroes ? !decode(zero_body) : !decode(body))
            return refuse(Error(ErrorCode::MalformedMessage, "a request that does not decode"));
        block = zeroes ? zero_body.block : body.block;
        count = zeroes ? zero_body.count : body.count;
        first = window.translate_for_writing(block, count);
        if (!first.is_error()) {
            flight.length = zeroes
                ? protocol::encode_request<P>(block::WriteZeroes { first.value(), count }, 0, flight.forwarded).value()
                : protocol::encode_request<P>(block::Discard { first.value(), count }, 0, flight.forwarded).value();
        }
        flight.kind = block::RequestKind::Other;
        break;
    }
    default:
        return refuse(Error(ErrorCode::UnknownMessage, "not a forwarded message"));
    }
    if (first.is_error())
        return refuse(first.release_error());
    if (auto begun = account.begin(); begun.is_error())
        return status_for(begun.release_error());
    usize tag = free_tag();
    flight.used = true;
    flight.session = static_cast<u16>(index);
    flight.epoch = state.epoch;
    flight.client_call = envelope.call_id;
    flight.sequence = m_next_sequence++;
    flight.call_id = call_id_for(tag, flight.sequence);
    flight.started = endpoint::now_nanoseconds();
    /* storaged's call id replaces the client's: replies in any order find their session. */
    protocol::write_envelope(std::span<u8>(flight.forwarded, flight.length), envelope.message, 0, flight.call_id);
    if (flight.kind == block::RequestKind::Read || flight.kind == block::RequestKind::Write) {
        flight.memory = carried;
        carried.reset();
    }
    m_flight[tag] = flight;
    auto sent = send_forwarded(m_flight[tag]);
    if (sent.is_error() && sent.error().is(ErrorCode::PeerRestarted)) {
        /* The driver was restarted: the request stays in flight and goes with the resend. */
        m_driver_restarted = true;
        return protocol::status_success;
    }
    if (sent.is_error()) {
        if (m_flight[tag].memory)
            carried = m_flight[tag].memory; /* the caller discards it */
        m_flight[tag] = InFlight {};
        account.cancel();
        if (sent.error().is(ErrorCode::MissingRight))
            return status_for(Error(BlockError::BufferUnusable, "the MemCap came without grant: storaged cannot pass it on"));
        return status_for(Error(BlockError::IoError, "the driver cannot be reached"));
    }
    return protocol::status_success;
}

bool Storage::take_request(usize index)
{
    auto& slot = m_sessions.slot(index);
    if (slot.state != session::Table::State::Open && slot.state != session::Table::State::Opening)
        return false;
    if (!m_state[index].account)
        opened(index);
    if (slot.outbox->is_full() || m_disk_requests->is_full() || in_flight() == maximum_in_flight)
        return false; /* it waits in its Ring: a full reply Ring, or the driver's queue is full */
    u8 request[protocol::payload_capacity<P>];
    u8 reply[protocol::payload_capacity<P>];
    auto received = endpoint::receive(*slot.inbox, request);
    if (received.is_error()) {
        /* Full: storaged's capability space holds a MemCap per request in flight, and has no room
           for this request's: it waits in its Ring until a reply frees one. */
        if (received.error().code() != ErrorCode::Empty && received.error().code() != ErrorCode::Full)
            m_sessions.free(index);
        return false;
    }
    std::optional<ReceivedCapability> carried;
    if (received.value().has_capability)
        carried = received.value().capability;
    std::span<u8 const> message(request, received.value().length);
    auto envelope = protocol::read_envelope(message);
    usize length = 0;
    bool well_formed = !envelope.is_error() && !envelope.value().is_reply && envelope.value().status == 0;
    if (well_formed && envelope.value().message >= number_of<block::Read>
        && envelope.value().message <= number_of<block::WriteZeroes>) {
        u16 status = forward(index, envelope.value(), message, carried);
        if (status != protocol::status_success)
            length = protocol::encode_status_reply(reply, envelope.value().message, envelope.value().call_id, status);
    } else {
        /* info, select-partition, counters — and anything malformed or unknown, which dispatch refuses. */
        LocalHandler handler(m_disk, m_table, m_state[index].window, *m_state[index].account);
        length = protocol::dispatch<P>(handler, message, reply);
    }
    if (carried)
        endpoint::discard(*carried);
    if (length > 0)
        (void)reply_to(index, std::span<u8 const>(reply, length));
    return true;
}

ErrorOr<void> Storage::take_disk_replies()
{
    u8 reply[protocol::payload_capacity<P>];
    for (;;) {
        auto received = endpoint::receive(*m_disk_replies, reply);
        if (received.is_error()) {
            if (received.error().code() == ErrorCode::Empty)
                return {};
            return received.release_error();
        }
        if (received.value().has_capability)
            endpoint::discard(received.value().capability);
        auto envelope = protocol::read_envelope(std::span<u8 const>(reply, received.value().length));
        if (envelope.is_error())
            continue;
        /* Only the reply to the request now in that slot counts: a second one, or one for an
           earlier request of the slot, is dropped. */
        auto& flight = m_flight[envelope.value().call_id % maximum_in_flight];
        if (!flight.used || flight.answered || flight.call_id != envelope.value().call_id
            || envelope.value().message != flight.message)
            continue;
        flight.answered = true;
        flight.status = envelope.value().status;
        if (flight.memory)
            endpoint::discard(*flight.memory);
        flight.memory.reset();
        auto& state = m_state[flight.session];
        if (state.epoch == flight.epoch && state.account) {
            bool done = flight.status == protocol::status_success;
            state.account->complete(flight.kind, done ? flight.bytes : 0, endpoint::now_nanoseconds() - flight.started);
        }
    }
}

void Storage::deliver_answered()
{
    for (auto& flight : m_flight) {
        if (!flight.used || !flight.answered)
            continue;
        if (m_state[flight.session].epoch == flight.epoch) {
            u8 reply[protocol::envelope_size];
            usize length = protocol::encode_status_reply(reply, flight.message, flight.client_call, flight.status);
            if (!reply_to(flight.session, std::span<u8 const>(reply, length)))
                continue; /* its client is not reading replies: it waits, the others do not */
        }
        flight = InFlight {};
    }
}

void Storage::answer_unsent(InFlight& flight, Error const& error)
{
    flight.answered = true;
    flight.status = status_for(error);
    if (flight.memory)
        endpoint::discard(*flight.memory);
    flight.memory.reset();
    auto& state = m_state[flight.session];
    if (state.epoch == flight.epoch && state.account)
        state.account->complete(flight.kind, 0, endpoint::now_nanoseconds() - flight.started);
}

/*
 * The driver was restarted (its Rings reset: whatever it had taken, and whatever waited in its
 * Rings, is gone). Bind again and send every request without a reply once more, in the order
 * storaged first sent them: the bytes translated and checked when the client's request was
 * accepted, so a resend reaches the same blocks of the same partition. A request whose session
 * closed meanwhile is dropped; one whose MemCap its client revoked is answered buffer-unusable;
 * neither stops the others.
 */
ErrorOr<void> Storage::resend_after_restart()
{
    m_driver_restarted = false;
    TRY(bind_disk());
    u32 resent = 0;
    for (u64 after = 0;;) {
        InFlight* next = nullptr;
        for (auto& flight : m_flight) {
            if (flight.used && !flight.answered && flight.sequence >= after && (!next || flight.sequence < next->sequence))
                next = &flight;
        }
        if (!next)
            break;
        after = next->sequence + 1;
        if (m_state[next->session].epoch != next->epoch) {
            if (next->memory)
                endpoint::discard(*next->memory);
            *next = InFlight {};
            continue;
        }
        auto sent = send_forwarded(*next);
        if (sent.is_error() && sent.error().is(ErrorCode::PeerRestarted)) {
            m_driver_restarted = true; /* restarted again meanwhile: the next turn starts over */
            return {};
        }
        if (sent.is_error()) {
            answer_unsent(*next, sent.error().is(ErrorCode::Full) || sent.error().is(ErrorCode::PeerClosed)
                    ? Error(BlockError::IoError, "the driver cannot be reached")
                    : Error(BlockError::BufferUnusable, "the request's MemCap is gone"));
            continue;
        }
        ++resent;
    }
    ++m_restarts; /* counted once the resend is through: one that started over is one restart */
    m_resent += resent;
    if (m_settings.console)
        (void)print_line(*m_settings.console, "storaged: the block driver restarted ({} so far); {} requests without a reply sent again, in the order first sent",
            m_restarts, resent);
    return {};
}

ErrorOr<void> Storage::serve(RingCap listen_requests, RingCap listen_replies)
{
    m_listening = TRY(session::Table::listen(m_sessions, std::move(listen_requests), std::move(listen_replies),
        session::geometry_of<P>(), session::Limits { m_settings.sessions, 1 }));
    m_sessions.on_change(
        this, [](void* storage, usize index) { static_cast<Storage*>(storage)->opened(index); },
        [](void* storage, usize index) { static_cast<Storage*>(storage)->freed(index); });
    usize next = 0;
    for (;;) {
        TRY(m_listening->serve_listener());
        m_listening->retry_reclaims();
        auto replies = take_disk_replies();
        if (replies.is_error()) {
            if (!replies.error().is(ErrorCode::PeerRestarted))
                return replies.release_error();
            m_driver_restarted = true;
        }
        if (m_driver_restarted)
            TRY(resend_after_restart());
        deliver_answered();
        bool taken = false;
        for (usize turn = 0; turn < m_settings.sessions; ++turn)
            taken = take_request((next + turn) % m_settings.sessions) || taken;
        next = (next + 1) % m_settings.sessions;
        if (!taken)
            (void)endpoint::wait(m_listening->wait_mask() | disk_reply_bit.mask() | disk_space_bit.mask());
    }
}

}
