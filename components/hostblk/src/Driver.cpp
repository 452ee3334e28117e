/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <hostblk/Driver.h>
#include <vectra/block/Buffer.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>

namespace vectra::hostblk {

using block::BlockError;

ErrorOr<DiskBackend> DiskBackend::open(DeviceCap disk)
{
    auto info = TRY(system::disk_info(disk));
    return DiskBackend(std::move(disk), info);
}

ErrorOr<void> DiskBackend::read(MemCap const& memory, u64 offset, u64 first, u32 count)
{
    return system::disk_read(m_disk, memory, offset, first, count);
}

ErrorOr<void> DiskBackend::write(MemCap const& memory, u64 offset, u64 first, u32 count)
{
    return system::disk_write(m_disk, memory, offset, first, count);
}

ErrorOr<void> DiskBackend::flush() { return system::disk_flush(m_disk); }

Driver::Driver(Backend& backend, MemCap zeroes, block::FaultInjection* fault)
    : m_backend(backend)
    , m_zeroes(std::move(zeroes))
    , m_fault(fault)
    , m_window { 0, backend.info().block_count, maximum_blocks, backend.info().read_only }
{
}

Error Driver::refused(Error error)
{
    m_account.refuse();
    return error;
}

ErrorOr<block::Geometry> Driver::handle(block::Info const&)
{
    auto info = m_backend.info();
    m_account.complete(block::RequestKind::Other, 0, 0);
    return block::Geometry { info.block_size, info.block_count, info.read_only, true, false, !info.read_only,
        maximum_blocks, queue_limit };
}

ErrorOr<void> Driver::transfer(bool writing, u64 block, u32 count, u64 offset, protocol::MessageCapabilities& capabilities)
{
    auto first = writing ? m_window.translate_for_writing(block, count) : m_window.translate(block, count);
    if (first.is_error())
        return refused(first.release_error());
    if (m_fault && m_fault->fires(first.value(), count))
        block::fault_now(); /* the image's injected driver bug, with requests waiting in its Ring */
    auto memory = block::take_buffer(capabilities, !writing, offset, count, m_backend.info().block_size);
    if (memory.is_error())
        return refused(memory.release_error());
    u64 started = endpoint::now_nanoseconds();
    auto moved = writing ? m_backend.write(memory.value(), offset, first.value(), count)
                         : m_backend.read(memory.value(), offset, first.value(), count);
    if (moved.is_error()) {
        if (moved.error().is(ErrorCode::MissingRight))
            return refused(Error(BlockError::BufferUnusable, "the MemCap lacks write (read) or read (write)"));
        return refused(Error(BlockError::IoError, moved.error().message()));
    }
    m_account.complete(writing ? block::RequestKind::Write : block::RequestKind::Read,
        u64(count) * m_backend.info().block_size, endpoint::now_nanoseconds() - started);
    return {};
}

ErrorOr<protocol::Done> Driver::handle(block::Read const& request, protocol::MessageCapabilities& capabilities)
{
    TRY(transfer(false, request.block, request.count, request.offset, capabilities));
    return protocol::Done {};
}

ErrorOr<protocol::Done> Driver::handle(block::Write const& request, protocol::MessageCapabilities& capabilities)
{
    TRY(transfer(true, request.block, request.count, request.offset, capabilities));
    if (request.force_unit_access && m_backend.flush().is_error())
        return refused(Error(BlockError::IoError, "the flush after a force-unit-access write failed"));
    return protocol::Done {};
}

ErrorOr<protocol::Done> Driver::handle(block::Flush const&)
{
    if (m_window.read_only)
        return refused(Error(BlockError::ReadOnly, "the disk is read-only"));
    u64 started = endpoint::now_nanoseconds();
    if (m_backend.flush().is_error())
        return refused(Error(BlockError::IoError, "the flush failed"));
    m_account.complete(block::RequestKind::Flush, 0, endpoint::now_nanoseconds() - started);
    return protocol::Done {};
}

ErrorOr<protocol::Done> Driver::handle(block::Discard const&)
{
    return refused(Error(BlockError::NotOffered, "a host file is not discarded"));
}

ErrorOr<protocol::Done> Driver::handle(block::WriteZeroes const& request)
{
    auto first = m_window.translate_for_writing(request.block, request.count);
    if (first.is_error())
        return refused(first.release_error());
    u32 block_size = m_backend.info().block_size;
    u32 per_write = static_cast<u32>(zero_bytes / block_size);
    u64 started = endpoint::now_nanoseconds();
    for (u32 done = 0; done < request.count;) {
        u32 count = request.count - done < per_write ? request.count - done : per_write;
        if (m_backend.write(m_zeroes, 0, first.value() + done, count).is_error())
            return refused(Error(BlockError::IoError, "writing zeroes failed"));
        done += count;
    }
    m_account.complete(block::RequestKind::Other, u64(request.count) * block_size, endpoint::now_nanoseconds() - started);
    return protocol::Done {};
}

ErrorOr<block::Geometry> Driver::handle(block::SelectPartition const&)
{
    return refused(Error(ErrorCode::Unsupported, "a driver serves the whole disk; partitions are storaged's"));
}

ErrorOr<block::Counters> Driver::handle(block::ReadCounters const&) { return m_account.counters(); }

ErrorOr<void> serve(ServerConnection& connection, Driver& driver)
{
    using P = block::Protocol;
    if (connection.inbox().payload_capacity() != protocol::payload_capacity<P>
        || connection.outbox().payload_capacity() != protocol::payload_capacity<P>)
        return Error(ErrorCode::InvalidArgument, "the Rings' slots differ from vectra.block's");
    u8 request[protocol::payload_capacity<P>];
    u8 reply[protocol::payload_capacity<P>];
    for (;;) {
        (void)endpoint::wait(connection.inbox().doorbell().mask());
        for (;;) {
            auto received = endpoint::receive(connection.inbox(), request);
            if (received.is_error()) {
                if (received.error().code() == ErrorCode::Empty)
                    break;
                return received.release_error();
            }
            protocol::MessageCapabilities capabilities;
            if (received.value().has_capability)
                capabilities.received = received.value().capability;
            usize length = protocol::dispatch<P>(
                driver, std::span<u8 const>(request, received.value().length), reply, capabilities);
            if (received.value().has_capability)
                endpoint::discard(received.value().capability); /* the transfer is done: the copy goes */
            for (;;) {
                auto sent = connection.outbox().try_send(std::span<u8 const>(reply, length));
                if (!sent.is_error())
                    break;
                if (sent.error().code() != ErrorCode::Full)
                    return sent.release_error();
                (void)endpoint::wait(connection.outbox().space_bit().mask());
            }
        }
    }
}

}
