/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The hosted block driver (ADR 0017): vectra.block served, whole-disk, over a Backend. The
 * Backend is the platform disk (DiskBackend: the kernel's block calls on a DeviceCap); the
 * power-cut fault injector of issue 11 is to be another Backend wrapping it (it sees every
 * write and flush in order, and can keep, drop or tear what was not flushed), so nothing above
 * changes when it comes. Requests are checked by core/block's Window before the Backend sees
 * them; each completes before its reply is sent (a host file has no queue), so the queue limit
 * is the Ring's 64 slots.
 */

#pragma once

#include <vectra/Connection.h>
#include <vectra/System.h>
#include <vectra/block/FaultInjection.h>
#include <vectra/block/Protocol.h>
#include <vectra/block/Window.h>
#include <vectra/protocol/Dispatch.h>

namespace vectra::hostblk {

class Backend {
public:
    virtual ~Backend() = default;
    [[nodiscard]] virtual system::DiskInfo info() const = 0;
    /* Moves `count` blocks from `first` into / out of `memory` at byte `offset` (ranges already checked). */
    [[nodiscard]] virtual ErrorOr<void> read(MemCap const& memory, u64 offset, u64 first, u32 count) = 0;
    [[nodiscard]] virtual ErrorOr<void> write(MemCap const& memory, u64 offset, u64 first, u32 count) = 0;
    [[nodiscard]] virtual ErrorOr<void> flush() = 0;
};

/* The platform disk a DeviceCap names. */
class DiskBackend final : public Backend {
public:
    [[nodiscard]] static ErrorOr<DiskBackend> open(DeviceCap disk);
    [[nodiscard]] system::DiskInfo info() const override { return m_info; }
    [[nodiscard]] ErrorOr<void> read(MemCap const&, u64 offset, u64 first, u32 count) override;
    [[nodiscard]] ErrorOr<void> write(MemCap const&, u64 offset, u64 first, u32 count) override;
    [[nodiscard]] ErrorOr<void> flush() override;

private:
    DiskBackend(DeviceCap disk, system::DiskInfo info)
        : m_disk(std::move(disk))
        , m_info(info)
    {
    }
    DeviceCap m_disk;
    system::DiskInfo m_info;
};

/* The most blocks one request may name (1 MiB of 512-byte blocks), and requests in flight. */
inline constexpr u32 maximum_blocks = 2048;
inline constexpr u16 queue_limit = block::Protocol::slot_count;

/* The vectra.block handlers (protocol/Dispatch.h) over a Backend. */
class Driver {
public:
    /* `zeroes`: a zeroed MemCap of at least zero_bytes, the source of write-zeroes. */
    static constexpr usize zero_bytes = 64 * KiB;
    /* `fault`: the image's fault injection (block/FaultInjection.h), or none. */
    Driver(Backend& backend, MemCap zeroes, block::FaultInjection* fault = nullptr);

    [[nodiscard]] ErrorOr<block::Geometry> handle(block::Info const&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(block::Read const&, protocol::MessageCapabilities&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(block::Write const&, protocol::MessageCapabilities&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(block::Flush const&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(block::Discard const&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(block::WriteZeroes const&);
    [[nodiscard]] ErrorOr<block::Geometry> handle(block::SelectPartition const&);
    [[nodiscard]] ErrorOr<block::Counters> handle(block::ReadCounters const&);

    [[nodiscard]] block::Counters const& counters() const { return m_account.counters(); }

private:
    [[nodiscard]] ErrorOr<void> transfer(bool writing, u64 block, u32 count, u64 offset, protocol::MessageCapabilities&);
    [[nodiscard]] Error refused(Error);

    Backend& m_backend;
    MemCap m_zeroes;
    block::FaultInjection* m_fault { nullptr };
    block::Window m_window;
    block::SessionAccount m_account { queue_limit };
};

/*
 * Serves `driver` on a direct connection until a Ring fails (PeerRestarted when initd reset the
 * Rings): each request's capability goes to its handler and is deleted before the reply is sent.
 */
[[nodiscard]] ErrorOr<void> serve(ServerConnection&, Driver&);

}
