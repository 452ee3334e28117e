/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The virtio-blk driver's loop and handlers (virtioblk/Driver.h).
 */

#include <vectra/System.h>
#include <vectra/block/Buffer.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <virtioblk/Driver.h>

namespace vectra::virtioblk {

using P = block::Protocol;
using block::BlockError;
using virtio::block::RequestError;

namespace {

/* The handler's answer for a request the device now holds: dispatch's reply for it is not sent. */
Error deferred() { return Error(ErrorCode::Busy, "answered when the device finishes the request"); }

/* What the device said (or the request layer refused), as the protocol's error a client acts on. */
Error block_error(Error const& error)
{
    if (error.is(RequestError::OutOfRange))
        return Error(BlockError::OutOfRange, error.message());
    if (error.is(RequestError::ReadOnly))
        return Error(BlockError::ReadOnly, error.message());
    if (error.is(RequestError::NotOffered))
        return Error(BlockError::NotOffered, error.message());
    if (error.is(ErrorCode::Busy))
        return Error(BlockError::TooManyInFlight, "the device's queue is full: wait for a reply and send again");
    return Error(BlockError::IoError, error.message());
}

u32 limit_blocks(u32 sectors_limit, u32 sectors_per_block, u32 blocks)
{
    u32 limit = sectors_limit / sectors_per_block;
    return limit < blocks ? limit : blocks;
}

}

Driver::Driver(driver::VirtioDevice& device, driver::VirtioQueue& queue, virtio::block::Requests& requests,
    block::FaultInjection* fault)
    : m_device(device)
    , m_queue(queue)
    , m_requests(requests)
    , m_fault(fault)
    , m_account(0)
{
    auto const& configuration = requests.configuration();
    m_sectors_per_block = configuration.block_size / virtio::block::sector_size;
    u32 maximum_blocks = maximum_transfer_bytes / configuration.block_size;
    /* One request may name no more than the device takes in one discard or write-zeroes, either. */
    if (configuration.discard)
        maximum_blocks = limit_blocks(configuration.discard_sectors_maximum, m_sectors_per_block, maximum_blocks);
    if (configuration.write_zeroes)
        maximum_blocks = limit_blocks(configuration.write_zeroes_sectors_maximum, m_sectors_per_block, maximum_blocks);
    if (configuration.segment_size_maximum != 0)
        maximum_blocks = limit_blocks(configuration.segment_size_maximum / virtio::block::sector_size, m_sectors_per_block, maximum_blocks);
    m_window = { 0, configuration.sectors / m_sectors_per_block, maximum_blocks, configuration.read_only };
    /* Three descriptors per request (header, data, status), or one with indirect tables: a smaller queue holds fewer. */
    usize by_descriptors = queue.ring.layout().size / queue.ring.descriptors_for(3);
    usize limit = by_descriptors < slots ? by_descriptors : slots;
    m_account = block::SessionAccount(static_cast<u16>(limit < P::slot_count ? limit : P::slot_count));
}

block::Geometry Driver::geometry() const
{
    auto const& configuration = m_requests.configuration();
    return block::Geometry { configuration.block_size, m_window.block_count, configuration.read_only,
        configuration.flush, configuration.discard, configuration.write_zeroes, m_window.maximum_blocks,
        m_account.queue_limit() };
}

Error Driver::refused(Error error)
{
    m_account.refuse();
    return error;
}

ErrorOr<usize> Driver::free_slot() const
{
    for (usize slot = 0; slot < slots; ++slot) {
        if (!m_in_flight[slot].busy)
            return slot;
    }
    return Error(BlockError::TooManyInFlight, "every request slot is in flight");
}

template<typename Submit>
ErrorOr<protocol::Done> Driver::defer(block::RequestKind kind, u64 bytes, bool flush_after,
    std::optional<ReceivedCapability> memory, Submit const& submit)
{
    if (auto begun = m_account.begin(); begun.is_error())
        return begun.release_error();
    auto slot = free_slot();
    if (slot.is_error()) {
        m_account.cancel();
        return slot.release_error();
    }
    if (auto submitted = submit(static_cast<u64>(slot.value())); submitted.is_error()) {
        m_account.cancel();
        return block_error(submitted.error());
    }
    auto& entry = m_in_flight[slot.value()];
    entry = InFlight { true, m_message, m_call_id, memory, kind, bytes, endpoint::now_nanoseconds(), flush_after };
    m_deferred = true;
    m_unpublished = true;
    return deferred();
}

ErrorOr<protocol::Done> Driver::transfer(bool writing, u64 block, u32 count, u64 offset, bool flush_after,
    protocol::MessageCapabilities& capabilities)
{
    auto first = writing ? m_window.translate_for_writing(block, count) : m_window.translate(block, count);
    if (first.is_error())
        return refused(first.release_error());
    if (m_fault && m_fault->fires(first.value(), count))
        block::fault_now(); /* the image's injected driver bug, with other requests at the device */
    /* The device writes a read's buffer: take_buffer asks the client's MemCap for write then. */
    u32 block_size = m_requests.configuration().block_size;
    auto memory = block::take_buffer(capabilities, !writing, offset, count, block_size);
    if (memory.is_error())
        return refused(memory.release_error());
    auto address = m_device.dma_address(memory.value());
    if (address.is_error())
        return refused(Error(BlockError::BufferUnusable, "the MemCap cannot be given to the device"));
    u32 bytes = count * block_size;
    virtio::Segment segment { address.value() + offset, bytes, !writing };
    u64 sector = first.value() * m_sectors_per_block;
    /* The client's MemCap stays with the request until the device is done with it. */
    return defer(writing ? block::RequestKind::Write : block::RequestKind::Read, bytes, flush_after, capabilities.received,
        [&](u64 token) { return writing ? m_requests.write(sector, { &segment, 1 }, token) : m_requests.read(sector, { &segment, 1 }, token); });
}

ErrorOr<block::Geometry> Driver::handle(block::Info const&)
{
    m_account.complete(block::RequestKind::Other, 0, 0);
    return geometry();
}

ErrorOr<protocol::Done> Driver::handle(block::Read const& request, protocol::MessageCapabilities& capabilities)
{
    return transfer(false, request.block, request.count, request.offset, false, capabilities);
}

ErrorOr<protocol::Done> Driver::handle(block::Write const& request, protocol::MessageCapabilities& capabilities)
{
    bool flush_after = request.force_unit_access && m_requests.configuration().flush;
    return transfer(true, request.block, request.count, request.offset, flush_after, capabilities);
}

ErrorOr<protocol::Done> Driver::handle(block::Flush const&)
{
    if (m_window.read_only)
        return refused(Error(BlockError::ReadOnly, "the disk is read-only"));
    /* Without VIRTIO_BLK_F_FLUSH the device has no volatile cache: what it finished is durable. */
    if (!m_requests.configuration().flush) {
        m_account.complete(block::RequestKind::Flush, 0, 0);
        return protocol::Done {};
    }
    return defer(block::RequestKind::Flush, 0, false, std::nullopt, [&](u64 token) { return m_requests.flush(token); });
}

ErrorOr<protocol::Done> Driver::handle(block::Discard const& request)
{
    if (!m_requests.configuration().discard)
        return refused(Error(BlockError::NotOffered, "the device offers no discard"));
    auto first = m_window.translate_for_writing(request.block, request.count);
    if (first.is_error())
        return refused(first.release_error());
    return defer(block::RequestKind::Other, 0, false, std::nullopt, [&](u64 token) {
        return m_requests.discard(first.value() * m_sectors_per_block, request.count * m_sectors_per_block, token);
    });
}

ErrorOr<protocol::Done> Driver::handle(block::WriteZeroes const& request)
{
    if (!m_requests.configuration().write_zeroes)
        return refused(Error(BlockError::NotOffered, "the device offers no write-zeroes"));
    auto first = m_window.translate_for_writing(request.block, request.count);
    if (first.is_error())
        return refused(first.release_error());
    u64 bytes = u64(request.count) * m_requests.configuration().block_size;
    return defer(block::RequestKind::Other, bytes, false, std::nullopt, [&](u64 token) {
        return m_requests.write_zeroes(first.value() * m_sectors_per_block, request.count * m_sectors_per_block, false, token);
    });
}

ErrorOr<block::Geometry> Driver::handle(block::SelectPartition const&)
{
    return refused(Error(ErrorCode::Unsupported, "a driver serves the whole disk; partitions are storaged's"));
}

ErrorOr<block::Counters> Driver::handle(block::ReadCounters const&) { return m_account.counters(); }

ErrorOr<void> Driver::send(ServerConnection& connection, std::span<u8 const> reply)
{
    return endpoint::send_waiting_for_space(connection.outbox(), reply);
}

ErrorOr<void> Driver::take_requests(ServerConnection& connection)
{
    u8 request[protocol::payload_capacity<P>];
    u8 reply[protocol::payload_capacity<P>];
    for (;;) {
        auto received = endpoint::receive(connection.inbox(), request);
        if (received.is_error()) {
            /* Full: this Task's capability space holds a MemCap per request at the device, and has
               no room for this request's: it waits in the Ring until one finishes. */
            if (received.error().code() == ErrorCode::Empty || received.error().code() == ErrorCode::Full)
                return {};
            return received.release_error();
        }
        std::span<u8 const> bytes(request, received.value().length);
        auto envelope = protocol::read_envelope(bytes);
        m_message = envelope.is_error() ? 0 : envelope.value().message;
        m_call_id = envelope.is_error() ? 0 : envelope.value().call_id;
        m_deferred = false;
        protocol::MessageCapabilities capabilities;
        if (received.value().has_capability)
            capabilities.received = received.value().capability;
        usize length = protocol::dispatch<P>(*this, bytes, reply, capabilities);
        if (m_deferred)
            continue;
        if (received.value().has_capability)
            endpoint::discard(received.value().capability); /* refused: the copy goes now */
        TRY(send(connection, std::span<u8 const>(reply, length)));
    }
}

ErrorOr<void> Driver::finish_requests(ServerConnection& connection)
{
    u8 reply[protocol::payload_capacity<P>];
    for (;;) {
        auto finished = m_requests.take_finished();
        if (finished.is_error()) {
            if (finished.error().is(ErrorCode::NotFound))
                return {};
            return finished.release_error(); /* the device broke the queue: end, and be restarted */
        }
        auto& entry = m_in_flight[finished.value().token];
        auto const& outcome = finished.value().outcome;
        bool flush_unsent = false;
        if (!outcome.is_error() && entry.flush_after) {
            /* A force-unit-access write is answered once the flush after it is done. */
            entry.flush_after = false;
            if (!m_requests.flush(finished.value().token).is_error()) {
                m_unpublished = true;
                continue;
            }
            flush_unsent = true;
        }
        if (entry.memory)
            endpoint::discard(*entry.memory);
        usize length = 0;
        if (outcome.is_error() || flush_unsent) {
            Error error = outcome.is_error() ? block_error(outcome.error())
                                             : Error(BlockError::IoError, "the flush after a force-unit-access write could not be sent");
            m_account.complete(entry.kind, 0, endpoint::now_nanoseconds() - entry.started);
            length = protocol::encode_status_reply(reply, entry.message, entry.call_id, protocol::status_of<P>(error, block::domain));
        } else {
            m_account.complete(entry.kind, entry.bytes, endpoint::now_nanoseconds() - entry.started);
            length = TRY(protocol::encode_message(std::span<u8>(reply), static_cast<u16>(entry.message | protocol::reply_flag),
                protocol::status_success, entry.call_id, protocol::Done {}));
        }
        entry = InFlight {};
        TRY(send(connection, std::span<u8 const>(reply, length)));
    }
}

ErrorOr<void> Driver::serve(ServerConnection& connection)
{
    if (connection.inbox().payload_capacity() != protocol::payload_capacity<P>
        || connection.outbox().payload_capacity() != protocol::payload_capacity<P>)
        return Error(ErrorCode::InvalidArgument, "the Rings' slots differ from vectra.block's");
    u64 mask = connection.inbox().doorbell().mask() | queue_bit.mask();
    for (;;) {
        u64 woken = endpoint::wait(mask);
        if (woken & queue_bit.mask()) {
            /* Acknowledge before looking: a request finished after the look raises the bit again.
               The device's own acknowledge first: on the INTx pin the ISR read deasserts the
               level line (ADR 0021); a virtio-mmio slot's InterruptACK (ADR 0025). */
            m_device.interrupted(m_queue);
            TRY(system::acknowledge_interrupt(m_queue.interrupt));
        }
        TRY(finish_requests(connection));
        TRY(take_requests(connection));
        if (m_unpublished) {
            m_unpublished = false;
            /* One doorbell for the whole batch, and none when the device said it is still looking. */
            if (m_requests.publish())
                m_device.notify(m_queue.index);
        }
    }
}

}
