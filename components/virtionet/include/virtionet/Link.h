/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.link served over a virtio-net device's two split virtqueues (docs/drivers.md, ADR 0029).
 * The client's memory goes to the device without a copy. The client lends its frame region once
 * (`lend`): the driver keeps that MemCap copy, checks it (memory, read and write) and resolves its
 * device address once. A posted receive buffer then becomes a chain of this driver's header slot
 * (the device writes the 12-byte virtio-net header there) and `length` bytes at `offset` of the
 * region; a transmit, a chain of one shared all-zero header and the frame at `offset`. Per frame
 * only the offset and length are checked (inside the region, without overflow; the frame's
 * bounds): no capability moves. The reply goes out once the device used the chain (`{length}` of
 * the frame that landed; `{}` for a transmit). The region's copy is removed when a later `lend`
 * replaces it (nothing outstanding) or when the Link goes — after it reset the device, so the
 * device never touches the region once the session ended.
 *
 * The device is not trusted: a used entry the queue refuses (never made available, a length past
 * the chain's writable bytes, an index running ahead) ends serving — the queue reports it, every
 * outstanding request is answered `device-failed`, and the Task resets the device and ends (initd
 * restarts it). A lent copy found revoked (check_lent) with buffers at the device ends serving the
 * same way; with none, the region is forgotten. A receive chain used with no more than a header carries no
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

/* What the Link asks of the device: where it sees a client's memory, a doorbell per queue, and its reset. */
class Device {
public:
    virtual ~Device() = default;
    [[nodiscard]] virtual ErrorOr<u64> dma_address(MemCap const&) const = 0;
    virtual void notify(u16 queue) = 0;
    /* The device stops touching memory: every buffer it held is let go. */
    virtual void reset() = 0;
};

/* The client's frame memory as the device sees it: its copy (none when host fuzzing lends memory of its own), size and device address. */
struct LentRegion {
    std::optional<ReceivedCapability> copy;
    u64 size { 0 };
    u64 address { 0 };
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
    /* The session's end: the device reset, then what was outstanding dropped and the lent copy removed. */
    ~Link();
    Link(Link const&) = delete;
    Link& operator=(Link const&) = delete;

    /*
     * Dispatches one request. Returns the reply's length in `reply`, or 0 when the device holds the
     * request (its reply comes from take_finished); a capability the Link does not keep (a refused
     * lend's, any other message's) is removed.
     */
    [[nodiscard]] usize take(std::span<u8 const> request, std::optional<ReceivedCapability>, std::span<u8> reply);

    /*
     * The reply to the next request the device finished, its length (0: none now). An error when
     * the device broke a queue: serving must end (answer_outstanding, then reset the device).
     */
    [[nodiscard]] ErrorOr<usize> take_finished(std::span<u8> reply);

    /* One outstanding request answered `device-failed`: the reply's length, 0 when none is left. */
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

    /*
     * The region a lend's checked MemCap becomes (handle(Lend)); host fuzzing lends memory of its
     * own this way. `lent-in-use` while anything is outstanding; the replaced region's copy removed.
     */
    [[nodiscard]] ErrorOr<void> adopt(LentRegion);

    /*
     * Whether the lent copy still exists (one look, made once per batch of requests). Revoked: the
     * region is forgotten (requests are `not-lent` until the next lend); an error when the device
     * still holds buffers in it — serving must end (answer_outstanding, then reset the device).
     */
    [[nodiscard]] ErrorOr<void> check_lent();
    [[nodiscard]] bool lent() const { return m_lent; }

    void set_link_up(bool up) { m_link_up = up; }
    [[nodiscard]] net::link::LinkInfo info() const;
    [[nodiscard]] u16 receive_posted() const { return m_receive_posted; }
    [[nodiscard]] u16 transmit_pending() const { return m_transmit_pending; }
    [[nodiscard]] u64 frames_received() const { return m_counters.frames_received; }

    /* The protocol's handlers (protocol/Dispatch.h); post-receive and transmit answer later. */
    [[nodiscard]] ErrorOr<net::link::LinkInfo> handle(net::link::Info const&);
    [[nodiscard]] ErrorOr<net::link::Landed> handle(net::link::PostReceive const&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(net::link::Transmit const&);
    [[nodiscard]] ErrorOr<net::link::LinkState> handle(net::link::ReadLinkState const&);
    [[nodiscard]] ErrorOr<net::link::Counters> handle(net::link::ReadCounters const&);
    [[nodiscard]] ErrorOr<net::link::Lent> handle(net::link::Lend const&, protocol::MessageCapabilities&);

private:
    /* A request the device holds: what its reply needs. */
    struct Outstanding {
        bool used { false };
        u16 message { 0 };
        u32 call_id { 0 };
        u32 length { 0 };
        virtio::Segment segment;
    };

    /* The device address of `length` bytes at `offset` in the lent region (overflow-safe). */
    [[nodiscard]] ErrorOr<u64> address_in_region(u64 offset, u32 length) const;
    void forget_region();
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
    bool m_lent { false };
    LentRegion m_region;
    Outstanding m_receives[outstanding_limit];
    Outstanding m_transmits[outstanding_limit];
    /* The request being dispatched: its envelope, whether the device now holds it, whether its capability is kept. */
    u16 m_message { 0 };
    u32 m_call_id { 0 };
    bool m_deferred { false };
    bool m_capability_kept { false };
};

}
