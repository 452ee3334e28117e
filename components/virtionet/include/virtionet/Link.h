/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.link served over a virtio-net device's two split virtqueues (docs/drivers.md, ADR 0029).
 * The client's memory goes to the device without a copy: a posted receive buffer becomes a chain
 * of this driver's header slot (the device writes the 12-byte virtio-net header there) and the
 * client's bytes; a transmit, a chain of one shared all-zero header and the client's frame. Each
 * request's MemCap stays with the driver until the device used its chain, then the reply goes out
 * (`{length}` of the frame that landed; `{}` for a transmit) and the driver's copy is removed.
 *
 * The device is not trusted: a used entry the queue refuses (never made available, a length past
 * the chain's writable bytes, an index running ahead) ends serving — the queue reports it, every
 * outstanding request is answered `device-failed` with its MemCap removed, and the Task resets the
 * device and ends (initd restarts it). A receive chain used with no more than a header carries no
 * frame: its buffer goes back to the device, unanswered.
 *
 * Host-testable: the device is a Device (DMA addresses, doorbells), the queues plain memory.
 */

#pragma once

#include <optional>
#include <vectra/Capability.h>
#include <vectra/net/Link.h>
#include <vectra/protocol/Dispatch.h>
#include <vectra/virtio/Net.h>
#include <vectra/virtio/SplitQueue.h>

namespace vectra::virtionet {

/* What the Link asks of the device: where it sees a client's memory, and a doorbell per queue. */
class Device {
public:
    virtual ~Device() = default;
    [[nodiscard]] virtual ErrorOr<u64> dma_address(MemCap const&) const = 0;
    virtual void notify(u16 queue) = 0;
};

/* Receive buffers (and transmits) one client may have outstanding; a queue's size may lower it. */
inline constexpr u16 outstanding_limit = 32;
/* The driver's own memory the device sees: one header per receive buffer, and the transmit header. */
inline constexpr usize header_stride = 16;
inline constexpr usize header_memory_bytes = (outstanding_limit + 1) * header_stride;

class Link {
public:
    /*
     * `headers`: header_memory_bytes of memory the device sees at `headers_address` (zeroed here).
     * The queues' sizes bound the limits: two descriptors per request.
     */
    Link(Device&, virtio::SplitQueue& receive, virtio::SplitQueue& transmit, std::span<u8> headers, u64 headers_address,
        virtio::net::Configuration const&);
    ~Link();
    Link(Link const&) = delete;
    Link& operator=(Link const&) = delete;

    /*
     * Dispatches one request. Returns the reply's length in `reply`, or 0 when the device holds the
     * request (its reply comes from take_finished); a refused request's capability is removed.
     */
    [[nodiscard]] usize take(std::span<u8 const> request, std::optional<ReceivedCapability>, std::span<u8> reply);

    /*
     * The reply to the next request the device finished, its length (0: none now). An error when
     * the device broke a queue: serving must end (answer_outstanding, then reset the device).
     */
    [[nodiscard]] ErrorOr<usize> take_finished(std::span<u8> reply);

    /* One outstanding request answered `device-failed` (its MemCap removed): the reply's length, 0 when none is left. */
    [[nodiscard]] usize answer_outstanding(std::span<u8> reply);

    /* Makes what was submitted visible to the device, ringing its doorbells where it asks. */
    void publish();

    /*
     * Before the Task waits: each queue is to interrupt at its next used entry (a frame the client
     * waits for; a transmit whose reply frees a client's slot). False when used entries already
     * wait (the device used them before it could see the wish, so no interrupt would come for
     * them): take_finished again instead of waiting.
     */
    [[nodiscard]] bool prepare_to_wait();

    void set_link_up(bool up) { m_link_up = up; }
    [[nodiscard]] net::link::LinkInfo info() const;
    [[nodiscard]] u16 receive_posted() const { return m_receive_posted; }
    [[nodiscard]] u16 transmit_pending() const { return m_transmit_pending; }
    [[nodiscard]] u64 frames_received() const { return m_counters.frames_received; }

    /* The protocol's handlers (protocol/Dispatch.h); post-receive and transmit answer later. */
    [[nodiscard]] ErrorOr<net::link::LinkInfo> handle(net::link::Info const&);
    [[nodiscard]] ErrorOr<net::link::Landed> handle(net::link::PostReceive const&, protocol::MessageCapabilities&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(net::link::Transmit const&, protocol::MessageCapabilities&);
    [[nodiscard]] ErrorOr<net::link::LinkState> handle(net::link::ReadLinkState const&);
    [[nodiscard]] ErrorOr<net::link::Counters> handle(net::link::ReadCounters const&);

private:
    /* A request the device holds: what its reply needs, and the client's MemCap until then. */
    struct Outstanding {
        bool used { false };
        u16 message { 0 };
        u32 call_id { 0 };
        u32 length { 0 };
        std::optional<ReceivedCapability> memory;
        virtio::Segment segment;
    };

    [[nodiscard]] ErrorOr<MemCap> take_buffer(protocol::MessageCapabilities const&, bool writable, u64 offset, u32 length);
    [[nodiscard]] ErrorOr<usize> free_entry(Outstanding const* entries, u16 limit) const;
    [[nodiscard]] ErrorOr<void> submit_receive(usize entry);
    [[nodiscard]] Error refused(Error);
    [[nodiscard]] usize finish(Outstanding&, std::span<u8> reply, u32 length);

    Device& m_device;
    virtio::SplitQueue& m_receive;
    virtio::SplitQueue& m_transmit;
    std::span<u8> m_headers;
    u64 m_headers_address { 0 };
    std::array<u8, 6> m_mac {};
    bool m_link_up { true };
    u16 m_receive_limit { 0 };
    u16 m_transmit_limit { 0 };
    u16 m_receive_posted { 0 };
    u16 m_transmit_pending { 0 };
    bool m_receive_unpublished { false };
    bool m_transmit_unpublished { false };
    net::link::Counters m_counters;
    Outstanding m_receives[outstanding_limit];
    Outstanding m_transmits[outstanding_limit];
    /* The request being dispatched: its envelope, and whether the device now holds it. */
    u16 m_message { 0 };
    u32 m_call_id { 0 };
    bool m_deferred { false };
};

}
