/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <hostblk/PowerCutBackend.h>
#include <string.h>
#include <vectra/Try.h>

namespace vectra::hostblk {

BackendDisk::BackendDisk(Backend& backend, MemCap bounce, std::span<u8> bounce_bytes)
    : m_backend(backend)
    , m_bounce(std::move(bounce))
    , m_bytes(bounce_bytes)
{
}

ErrorOr<void> BackendDisk::read_sectors(u64 first_sector, std::span<u8> into)
{
    u32 block = sector_size();
    u64 per_request = m_bytes.size() / block;
    for (u64 done = 0; done < into.size() / block;) {
        u64 count = into.size() / block - done < per_request ? into.size() / block - done : per_request;
        TRY(m_backend.read(m_bounce, 0, first_sector + done, u32(count)));
        memcpy(into.data() + done * block, m_bytes.data(), count * block);
        done += count;
    }
    return {};
}

ErrorOr<void> BackendDisk::write_sectors(u64 first_sector, std::span<u8 const> from)
{
    u32 block = sector_size();
    u64 per_request = m_bytes.size() / block;
    for (u64 done = 0; done < from.size() / block;) {
        u64 count = from.size() / block - done < per_request ? from.size() / block - done : per_request;
        memcpy(m_bytes.data(), from.data() + done * block, count * block);
        TRY(m_backend.write(m_bounce, 0, first_sector + done, u32(count)));
        done += count;
    }
    return {};
}

namespace {

/* The request's blocks inside its mapped memory (the Driver checked them; checked again here). */
template<typename Byte>
ErrorOr<std::span<Byte>> blocks_in(std::span<Byte> bytes, u64 offset, u32 count, u32 block_size)
{
    u64 length = u64(count) * block_size;
    if (offset > bytes.size() || length > bytes.size() - offset)
        return Error(ErrorCode::InvalidArgument, "the blocks reach past the memory");
    return bytes.subspan(offset, length);
}

}

ErrorOr<void> DeviceBackend::read(MemCap const& memory, u64 offset, u64 first, u32 count)
{
    return m_device.read_sectors(
        first, TRY(blocks_in(TRY(system::map_memory(memory)), offset, count, m_info.block_size)));
}

ErrorOr<void> DeviceBackend::write(MemCap const& memory, u64 offset, u64 first, u32 count)
{
    auto bytes = TRY(system::map_memory_read_only(memory));
    return m_device.write_sectors(first, TRY(blocks_in(bytes, offset, count, m_info.block_size)));
}

}
