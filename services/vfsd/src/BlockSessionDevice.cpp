/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <string.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/fs/Protocol.h>
#include <vfsd/BlockSessionDevice.h>

namespace vectra::vfs {

namespace {

template<typename T>
ErrorOr<T> as_io_error(ErrorOr<T>&& result)
{
    if (result.is_error())
        return Error(VfsError::IoError, result.error().message());
    return std::move(result);
}

}

ErrorOr<BlockSessionDevice> BlockSessionDevice::open(RingCap const& listen_requests, RingCap const& listen_replies,
    ReticleCap const& memory, std::string_view partition, ConnectionBits bits, u32 buffer_size)
{
    auto client = TRY(block::Client::open(TRY(endpoint::attenuate(listen_requests, RightSend)),
        TRY(endpoint::attenuate(listen_replies, RightReceive)), memory, bits));
    auto geometry = TRY(client.select_partition(partition));
    if (geometry.block_size == 0 || geometry.block_size > buffer_size || buffer_size % geometry.block_size != 0
        || geometry.maximum_blocks == 0)
        return Error(ErrorCode::Unsupported, "the partition's block size does not suit vfsd's buffer");
    auto buffer = TRY(system::create_memory(memory, buffer_size));
    auto bytes = TRY(system::map_memory(buffer));
    return BlockSessionDevice(std::move(client), geometry, std::move(buffer), bytes);
}

u32 BlockSessionDevice::blocks_per_request() const
{
    u32 fit = static_cast<u32>(m_bytes.size() / m_geometry.block_size);
    return fit < m_geometry.maximum_blocks ? fit : m_geometry.maximum_blocks;
}

ErrorOr<void> BlockSessionDevice::read_sectors(u64 first_sector, std::span<u8> into)
{
    u32 size = m_geometry.block_size;
    if (into.size() % size != 0)
        return Error(ErrorCode::InvalidArgument, "a read of part of a sector");
    for (usize done = 0; done < into.size();) {
        u32 count = static_cast<u32>((into.size() - done) / size);
        if (count > blocks_per_request())
            count = blocks_per_request();
        TRY(as_io_error(m_client.read(first_sector + done / size, count, m_buffer)));
        memcpy(into.data() + done, m_bytes.data(), usize(count) * size);
        done += usize(count) * size;
    }
    return {};
}

ErrorOr<void> BlockSessionDevice::write_sectors(u64 first_sector, std::span<u8 const> from)
{
    if (m_geometry.read_only)
        return Error(VfsError::ReadOnly, "the partition is read-only");
    u32 size = m_geometry.block_size;
    if (from.size() % size != 0)
        return Error(ErrorCode::InvalidArgument, "a write of part of a sector");
    for (usize done = 0; done < from.size();) {
        u32 count = static_cast<u32>((from.size() - done) / size);
        if (count > blocks_per_request())
            count = blocks_per_request();
        memcpy(m_bytes.data(), from.data() + done, usize(count) * size);
        TRY(as_io_error(m_client.write(first_sector + done / size, count, m_buffer)));
        done += usize(count) * size;
    }
    return {};
}

ErrorOr<void> BlockSessionDevice::flush()
{
    if (!m_geometry.flush)
        return {};
    return as_io_error(m_client.flush());
}

}
