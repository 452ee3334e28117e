/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.link over virtio-net's queues (virtionet/Link.h).
 */

#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <virtionet/Link.h>

namespace vectra::virtionet {

using P = net::link::Protocol;
using net::link::LinkError;

namespace {

/* The handler's answer for a request the device now holds: dispatch's reply for it is not sent. */
Error deferred() { return Error(ErrorCode::Busy, "answered when the device is done with the buffer"); }

u16 frame_maximum() { return u16(virtio::net::default_mtu + net::link::ethernet_header_bytes); }

u16 limit_of(virtio::SplitQueue const& queue)
{
    u16 by_descriptors = u16(queue.layout().size / 2);
    return by_descriptors < outstanding_limit ? by_descriptors : outstanding_limit;
}

}

Link::Link(Device& device, virtio::SplitQueue& receive, virtio::SplitQueue& transmit, std::span<u8> headers,
    u64 headers_address, virtio::net::Configuration const& configuration)
    : m_device(device)
    , m_receive(receive)
    , m_transmit(transmit)
    , m_headers(headers)
    , m_headers_address(headers_address)
    , m_mac(configuration.mac)
    , m_link_up(configuration.link_up)
    , m_receive_limit(limit_of(receive))
    , m_transmit_limit(limit_of(transmit))
{
    VERIFY(headers.size() >= header_memory_bytes);
    m_receive.request_interrupts_before_waiting();
    m_transmit.request_interrupts_before_waiting();
    __builtin_memset(headers.data(), 0, header_memory_bytes);
}

Link::~Link()
{
    m_device.reset();
    u8 reply[protocol::payload_capacity<P>];
    while (answer_outstanding(reply) != 0) { }
    forget_region();
}

net::link::LinkInfo Link::info() const
{
    return net::link::LinkInfo { m_mac, virtio::net::default_mtu, frame_maximum(), m_receive_limit, m_transmit_limit,
        m_link_up };
}

Error Link::refused(Error error)
{
    ++m_counters.refused;
    return error;
}

void Link::forget_region()
{
    if (m_lent && m_region.copy)
        endpoint::discard(*m_region.copy);
    m_region = LentRegion {};
    m_lent = false;
}

ErrorOr<void> Link::adopt(LentRegion region)
{
    if (m_receive_posted != 0 || m_transmit_pending != 0)
        return Error(LinkError::LentInUse, "receive buffers or transmits are outstanding in the lent region");
    forget_region();
    m_region = std::move(region);
    m_lent = true;
    return {};
}

ErrorOr<void> Link::check_lent()
{
    if (!m_lent || !m_region.copy)
        return {};
    auto memory = m_region.copy->as<CapabilityClass::Memory>();
    if (!memory.is_error() && !system::describe(memory.value()).is_error())
        return {};
    /* Revoked: the copy is gone already. With buffers at the device the memory may be reused under it. */
    m_region = LentRegion {};
    m_lent = false;
    if (m_receive_posted != 0 || m_transmit_pending != 0)
        return Error(ErrorCode::Revoked, "the lent region was revoked while the device held buffers in it");
    return {};
}

ErrorOr<u64> Link::address_in_region(u64 offset, u32 length) const
{
    if (!m_lent)
        return Error(LinkError::NotLent, "no region is lent: lend one first");
    if (offset > m_region.size || length > m_region.size - offset)
        return Error(LinkError::BufferUnusable, "offset + length lies outside the lent region");
    return m_region.address + offset;
}

ErrorOr<usize> Link::free_entry(Outstanding const* entries, u16 limit) const
{
    for (usize index = 0; index < limit; ++index) {
        if (!entries[index].used)
            return index;
    }
    return Error(LinkError::TooManyOutstanding, "the client's limit of outstanding requests is reached");
}

ErrorOr<void> Link::submit_receive(usize entry)
{
    virtio::Segment chain[2] = {
        { m_headers_address + entry * header_stride, virtio::net::header_bytes, true },
        m_receives[entry].segment,
    };
    TRY(m_receive.submit(chain, entry));
    m_receive_unpublished = true;
    return {};
}

ErrorOr<net::link::LinkInfo> Link::handle(net::link::Info const&) { return info(); }

ErrorOr<net::link::Landed> Link::handle(net::link::PostReceive const& request)
{
    auto address = address_in_region(request.offset, request.length);
    if (address.is_error())
        return refused(address.release_error());
    if (request.length < frame_maximum())
        return refused(Error(LinkError::BufferTooSmall, "a receive buffer holds at least frame_maximum bytes"));
    auto entry = free_entry(m_receives, m_receive_limit);
    if (entry.is_error())
        return refused(entry.release_error());
    auto& outstanding = m_receives[entry.value()];
    outstanding = Outstanding { true, m_message, m_call_id, request.length,
        virtio::Segment { address.value(), request.length, true } };
    if (auto submitted = submit_receive(entry.value()); submitted.is_error()) {
        outstanding = Outstanding {};
        return refused(Error(LinkError::TooManyOutstanding, "the receive queue is full"));
    }
    ++m_receive_posted;
    m_deferred = true;
    return deferred();
}

ErrorOr<protocol::Done> Link::handle(net::link::Transmit const& request)
{
    auto address = address_in_region(request.offset, request.length);
    if (address.is_error())
        return refused(address.release_error());
    if (request.length < net::link::ethernet_header_bytes)
        return refused(Error(LinkError::FrameTooSmall, "a frame holds at least an Ethernet header"));
    if (request.length > frame_maximum())
        return refused(Error(LinkError::FrameTooLarge, "the frame is longer than frame_maximum"));
    auto entry = free_entry(m_transmits, m_transmit_limit);
    if (entry.is_error())
        return refused(entry.release_error());
    auto& outstanding = m_transmits[entry.value()];
    outstanding = Outstanding { true, m_message, m_call_id, request.length,
        virtio::Segment { address.value(), request.length, false } };
    /* Every transmit shares the last header slot: all zero, only read by the device. */
    virtio::Segment chain[2] = {
        { m_headers_address + outstanding_limit * header_stride, virtio::net::header_bytes, false },
        outstanding.segment,
    };
    if (auto submitted = m_transmit.submit(chain, entry.value()); submitted.is_error()) {
        outstanding = Outstanding {};
        return refused(Error(LinkError::TooManyOutstanding, "the transmit queue is full"));
    }
    m_transmit_unpublished = true;
    ++m_transmit_pending;
    m_deferred = true;
    return deferred();
}

ErrorOr<net::link::LinkState> Link::handle(net::link::ReadLinkState const&) { return net::link::LinkState { m_link_up }; }

ErrorOr<net::link::Counters> Link::handle(net::link::ReadCounters const&)
{
    auto counters = m_counters;
    counters.receive_posted = m_receive_posted;
    counters.transmit_pending = m_transmit_pending;
    return counters;
}

ErrorOr<net::link::Lent> Link::handle(net::link::Lend const&, protocol::MessageCapabilities& capabilities)
{
    if (m_receive_posted != 0 || m_transmit_pending != 0)
        return refused(Error(LinkError::LentInUse, "receive buffers or transmits are outstanding in the lent region"));
    /* Read and write: the device writes received frames into the region and reads frames to send from it. */
    auto lent = endpoint::lent_memory(capabilities.received, true);
    if (lent.is_error())
        return refused(Error(LinkError::BufferUnusable, lent.error().message()));
    auto address = m_device.dma_address(lent.value().memory);
    if (address.is_error())
        return refused(Error(LinkError::BufferUnusable, "the MemCap cannot be given to the device"));
    u64 size = lent.value().size;
    TRY(adopt(LentRegion { capabilities.received, size, address.value() }));
    m_capability_kept = true;
    return net::link::Lent { size };
}

usize Link::take(std::span<u8 const> request, std::optional<ReceivedCapability> capability, std::span<u8> reply)
{
    auto envelope = protocol::read_envelope(request);
    m_message = envelope.is_error() ? 0 : envelope.value().message;
    m_call_id = envelope.is_error() ? 0 : envelope.value().call_id;
    m_deferred = false;
    m_capability_kept = false;
    protocol::MessageCapabilities capabilities;
    capabilities.received = capability;
    usize length = protocol::dispatch<P>(*this, request, reply, capabilities);
    /* Only an accepted lend keeps its copy: a refused one's, or one a message does not carry, goes now. */
    if (capability && !m_capability_kept)
        endpoint::discard(*capability);
    return m_deferred ? 0 : length;
}

usize Link::finish(Outstanding& entry, std::span<u8> reply, u32 length)
{
    usize encoded = 0;
    if (entry.message == protocol::index_of<P, net::link::PostReceive>() + 1)
        encoded = MUST(protocol::encode_message(reply, u16(entry.message | protocol::reply_flag), protocol::status_success,
            entry.call_id, net::link::Landed { length }));
    else
        encoded = MUST(protocol::encode_message(reply, u16(entry.message | protocol::reply_flag), protocol::status_success,
            entry.call_id, protocol::Done {}));
    entry = Outstanding {};
    return encoded;
}

ErrorOr<usize> Link::take_finished(std::span<u8> reply)
{
    for (;;) {
        auto sent = m_transmit.take_used();
        if (sent.is_error()) {
            if (!sent.error().is(ErrorCode::NotFound))
                return sent.release_error();
            break;
        }
        auto& entry = m_transmits[sent.value().token];
        ++m_counters.frames_transmitted;
        m_counters.bytes_transmitted += entry.length;
        --m_transmit_pending;
        return finish(entry, reply, 0);
    }
    for (;;) {
        auto landed = m_receive.take_used();
        if (landed.is_error()) {
            if (landed.error().is(ErrorCode::NotFound))
                return usize(0);
            return landed.release_error();
        }
        usize index = landed.value().token;
        u32 written = landed.value().written;
        if (written <= virtio::net::header_bytes) {
            /* No frame in it: the buffer goes back to the device, the client waits on. */
            TRY(submit_receive(index));
            continue;
        }
        u32 length = written - virtio::net::header_bytes;
        ++m_counters.frames_received;
        m_counters.bytes_received += length;
        --m_receive_posted;
        return finish(m_receives[index], reply, length);
    }
}

usize Link::answer_outstanding(std::span<u8> reply)
{
    for (auto* entries : { m_receives, m_transmits }) {
        for (usize index = 0; index < outstanding_limit; ++index) {
            auto& entry = entries[index];
            if (!entry.used)
                continue;
            usize length = protocol::encode_status_reply(reply, entry.message, entry.call_id, u16(LinkError::DeviceFailed));
            entry = Outstanding {};
            if (entries == m_receives)
                --m_receive_posted;
            else
                --m_transmit_pending;
            return length;
        }
    }
    return 0;
}

void Link::publish()
{
    if (m_receive_unpublished && m_receive.publish())
        m_device.notify(virtio::net::receive_queue);
    if (m_transmit_unpublished && m_transmit.publish())
        m_device.notify(virtio::net::transmit_queue);
    m_receive_unpublished = false;
    m_transmit_unpublished = false;
}

bool Link::prepare_to_wait()
{
    bool waiting = m_receive.interrupt_after(1);
    waiting = m_transmit.interrupt_after(1) || waiting;
    return !waiting;
}

}
