/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The virtio-blk driver (docs/drivers.md): vectra.block served, whole-disk, over one split
 * virtqueue of a device on either transport (driver::VirtioDevice: PCI or virtio-mmio). Requests are decoded and checked by the protocol's dispatch and core/block's
 * Window exactly as the hosted driver's are; a read, write, flush, discard or write-zeroes that
 * passes goes to the device with the client's MemCap as its buffer (its device address, no
 * copy) and is answered when the device finishes it — in the device's order, by call id. Info,
 * counters and refusals are answered at once.
 */

#pragma once

#include <optional>
#include <vectra/Connection.h>
#include <vectra/block/FaultInjection.h>
#include <vectra/block/Protocol.h>
#include <vectra/block/Window.h>
#include <vectra/driver/VirtioDevice.h>
#include <vectra/protocol/Dispatch.h>
#include <vectra/virtio/Block.h>

namespace vectra::virtioblk {

/* The largest transfer one request may name, whatever the block size. */
inline constexpr u32 maximum_transfer_bytes = 1024 * 1024;
/* The Signal bit the queue's interrupt (MSI-X entry, INTx pin or virtio-mmio slot line) raises. */
inline constexpr SignalBit queue_bit { 8 };

class Driver {
public:
    /* `fault`: the image's fault injection (block/FaultInjection.h), or none. */
    Driver(driver::VirtioDevice&, driver::VirtioQueue&, virtio::block::Requests&, block::FaultInjection* fault = nullptr);

    /* Serves on `connection` until a Ring fails or the device breaks its queue. */
    [[nodiscard]] ErrorOr<void> serve(ServerConnection& connection);

    [[nodiscard]] block::Geometry geometry() const;

    /*
     * The protocol's handlers (protocol/Dispatch.h). Those that reach the device submit the
     * request and answer nothing now: the reply is sent when the device finishes it.
     */
    [[nodiscard]] ErrorOr<block::Geometry> handle(block::Info const&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(block::Read const&, protocol::MessageCapabilities&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(block::Write const&, protocol::MessageCapabilities&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(block::Flush const&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(block::Discard const&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(block::WriteZeroes const&);
    [[nodiscard]] ErrorOr<block::Geometry> handle(block::SelectPartition const&);
    [[nodiscard]] ErrorOr<block::Counters> handle(block::ReadCounters const&);

private:
    /* A request the device holds: what its reply needs, and the client's MemCap until then. */
    struct InFlight {
        bool busy { false };
        u16 message { 0 };
        u32 call_id { 0 };
        std::optional<ReceivedCapability> memory;
        block::RequestKind kind { block::RequestKind::Other };
        u64 bytes { 0 };
        u64 started { 0 };
        bool flush_after { false }; /* a force-unit-access write: flushed before it is answered */
    };
    static constexpr usize slots = virtio::block::Requests::maximum_in_flight;

    [[nodiscard]] ErrorOr<void> take_requests(ServerConnection&);
    [[nodiscard]] ErrorOr<void> finish_requests(ServerConnection&);
    [[nodiscard]] ErrorOr<void> send(ServerConnection&, std::span<u8 const> reply);

    [[nodiscard]] ErrorOr<usize> free_slot() const;
    /*
     * Submits through `submit` (which gets the slot's token) and marks the request as answered
     * later; `memory`, the client's MemCap, is kept until then.
     */
    template<typename Submit>
    [[nodiscard]] ErrorOr<protocol::Done> defer(block::RequestKind, u64 bytes, bool flush_after,
        std::optional<ReceivedCapability> memory, Submit const&);
    [[nodiscard]] ErrorOr<protocol::Done> transfer(bool writing, u64 block, u32 count, u64 offset, bool flush_after,
        protocol::MessageCapabilities&);
    [[nodiscard]] Error refused(Error);

    driver::VirtioDevice& m_device;
    driver::VirtioQueue& m_queue;
    virtio::block::Requests& m_requests;
    block::FaultInjection* m_fault { nullptr };
    u32 m_sectors_per_block { 1 };
    block::Window m_window;
    block::SessionAccount m_account;
    InFlight m_in_flight[slots];
    /* The request being dispatched: its envelope, and whether its handler deferred the reply. */
    u16 m_message { 0 };
    u32 m_call_id { 0 };
    bool m_deferred { false };
    bool m_unpublished { false };
};

}
