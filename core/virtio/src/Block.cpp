/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * virtio-blk requests (vectra/virtio/Block.h). A request is one descriptor chain: its slot's
 * header (and range) for the device to read, the data, then its slot's status byte for the
 * device to write. The queue's token is the slot's index; the caller's token is kept here.
 */

#include <vectra/Try.h>
#include <vectra/virtio/Block.h>

namespace vectra::virtio::block {

namespace {

/* Where a field lies in the device configuration (virtio 1.2, 5.2.4), and how many bytes reach past it. */
constexpr usize capacity_offset = 0;
constexpr usize size_maximum_offset = 8;
constexpr usize segment_maximum_offset = 12;
constexpr usize block_size_offset = 20;
constexpr usize discard_sectors_offset = 36;
constexpr usize write_zeroes_sectors_offset = 48;

constexpr usize header_bytes = 16;
constexpr usize range_bytes = 16;
constexpr usize status_offset = 32;
constexpr u32 write_zeroes_unmap = 1;

/* A cleared slot carrying `type` and `sector`. */
RequestSlot& prepare(RequestSlot& slot, RequestType type, u64 sector)
{
    slot = {};
    slot.type = static_cast<u32>(type);
    slot.sector = sector;
    return slot;
}

u64 read_little(u8 const volatile* bytes, usize offset, usize width)
{
    u64 value = 0;
    for (usize index = 0; index < width; ++index)
        value |= u64(bytes[offset + index]) << (8 * index);
    return value;
}

}

char const* request_error_name(u16 code)
{
    switch (static_cast<RequestError>(code)) {
    case RequestError::OutOfRange:
        return "out-of-range";
    case RequestError::ReadOnly:
        return "read-only";
    case RequestError::IoError:
        return "io-error";
    case RequestError::NotOffered:
        return "not-offered";
    }
    return "unknown";
}

ErrorOr<Configuration> Configuration::read(u8 const volatile* device_configuration, usize length, u64 features)
{
    auto field = [&](usize offset, usize width) -> ErrorOr<u64> {
        if (offset + width > length)
            return Error(ErrorCode::MalformedMessage, "the block device's configuration is shorter than its features need");
        return read_little(device_configuration, offset, width);
    };
    Configuration configuration;
    configuration.sectors = TRY(field(capacity_offset, 8));
    if (configuration.sectors == 0)
        return Error(ErrorCode::MalformedMessage, "the block device says it holds no sectors");
    if (features & feature_size_maximum)
        configuration.segment_size_maximum = static_cast<u32>(TRY(field(size_maximum_offset, 4)));
    if (features & feature_segment_maximum) {
        configuration.segment_maximum = static_cast<u32>(TRY(field(segment_maximum_offset, 4)));
        if (configuration.segment_maximum == 0)
            return Error(ErrorCode::MalformedMessage, "the block device allows no data segment");
    }
    if (features & feature_block_size) {
        u32 block_size = static_cast<u32>(TRY(field(block_size_offset, 4)));
        if (block_size < sector_size || block_size > 64 * KiB || (block_size & (block_size - 1)) != 0)
            return Error(ErrorCode::MalformedMessage, "the block device's block size is no power of two from 512 to 64 KiB");
        configuration.block_size = block_size;
    }
    configuration.read_only = (features & feature_read_only) != 0;
    configuration.flush = (features & feature_flush) != 0;
    if (features & feature_discard) {
        configuration.discard = true;
        configuration.discard_sectors_maximum = static_cast<u32>(TRY(field(discard_sectors_offset, 4)));
        if (configuration.discard_sectors_maximum == 0)
            return Error(ErrorCode::MalformedMessage, "the block device offers discard of no sectors");
    }
    if (features & feature_write_zeroes) {
        configuration.write_zeroes = true;
        configuration.write_zeroes_sectors_maximum = static_cast<u32>(TRY(field(write_zeroes_sectors_offset, 4)));
        if (configuration.write_zeroes_sectors_maximum == 0)
            return Error(ErrorCode::MalformedMessage, "the block device offers write-zeroes of no sectors");
    }
    return configuration;
}

ErrorOr<Requests> Requests::create(SplitQueue& queue, std::span<u8> slots, u64 slots_device_address,
    Configuration const& configuration)
{
    if (slots.size() < slot_memory_size || reinterpret_cast<uptr>(slots.data()) % alignof(RequestSlot) != 0
        || slots_device_address % alignof(RequestSlot) != 0)
        return Error(ErrorCode::InvalidArgument, "request slots need slot_memory_size bytes, 8-byte aligned");
    Requests requests;
    requests.m_queue = &queue;
    requests.m_slots = reinterpret_cast<RequestSlot*>(slots.data());
    requests.m_slots_address = slots_device_address;
    requests.m_configuration = configuration;
    return requests;
}

ErrorOr<void> Requests::check_range(u64 sector, u64 sectors) const
{
    if (sectors == 0)
        return Error(ErrorCode::InvalidArgument, "a block request covers at least one sector");
    if (sector >= m_configuration.sectors || sectors > m_configuration.sectors - sector)
        return Error(RequestError::OutOfRange, "the request reaches past the disk's end");
    return {};
}

ErrorOr<usize> Requests::take_slot()
{
    for (usize slot = 0; slot < maximum_in_flight; ++slot) {
        if (!m_busy[slot])
            return slot;
    }
    return Error(ErrorCode::Busy, "every request slot is in flight");
}

/* The slot's header (and range) is written; chains it with `data` and the status byte. */
ErrorOr<void> Requests::submit(usize slot, std::span<Segment const> data, bool device_writes_data, u64 token)
{
    RequestSlot& request = m_slots[slot];
    auto type = static_cast<RequestType>(request.type);
    bool ranged = type == RequestType::Discard || type == RequestType::WriteZeroes;
    u64 base = m_slots_address + slot * sizeof(RequestSlot);
    Segment chain[2 + maximum_segments];
    usize count = 0;
    chain[count++] = { base, static_cast<u32>(ranged ? header_bytes + range_bytes : header_bytes), false };
    for (auto const& segment : data)
        chain[count++] = { segment.address, segment.length, device_writes_data };
    chain[count++] = { base + status_offset, 1, true };
    /* A status the device never wrote must not read as success. */
    request.status = 0xff;
    auto submitted = m_queue->submit(std::span<Segment const>(chain, count), slot);
    if (submitted.is_error()) {
        if (submitted.error().is(ErrorCode::Full))
            return Error(ErrorCode::Busy, "the queue has too few free descriptors: take a finished request first");
        return submitted.release_error();
    }
    m_busy[slot] = true;
    m_tokens[slot] = token;
    ++m_in_flight;
    return {};
}

ErrorOr<void> Requests::submit_data(RequestType type, u64 sector, std::span<Segment const> data, u64 token)
{
    if (data.empty() || data.size() > m_configuration.segment_maximum || data.size() > maximum_segments)
        return Error(ErrorCode::InvalidArgument, "a data request has from one to segment_maximum segments");
    u64 bytes = 0;
    for (auto const& segment : data) {
        if (segment.length == 0 || segment.length % sector_size != 0)
            return Error(ErrorCode::InvalidArgument, "a data segment is a whole number of 512-byte sectors");
        if (m_configuration.segment_size_maximum != 0 && segment.length > m_configuration.segment_size_maximum)
            return Error(ErrorCode::InvalidArgument, "a data segment is larger than the device allows");
        bytes += segment.length;
    }
    TRY(check_range(sector, bytes / sector_size));
    usize slot = TRY(take_slot());
    prepare(m_slots[slot], type, sector);
    return submit(slot, data, type == RequestType::Read, token);
}

ErrorOr<void> Requests::read(u64 sector, std::span<Segment const> into, u64 token)
{
    return submit_data(RequestType::Read, sector, into, token);
}

ErrorOr<void> Requests::write(u64 sector, std::span<Segment const> from, u64 token)
{
    if (m_configuration.read_only)
        return Error(RequestError::ReadOnly, "the disk is read-only");
    return submit_data(RequestType::Write, sector, from, token);
}

ErrorOr<void> Requests::flush(u64 token)
{
    if (!m_configuration.flush)
        return Error(RequestError::NotOffered, "the device offers no flush (its writes are not cached)");
    usize slot = TRY(take_slot());
    prepare(m_slots[slot], RequestType::Flush, 0);
    return submit(slot, {}, false, token);
}

ErrorOr<void> Requests::submit_range(RequestType type, u64 sector, u32 sectors, u32 limit, u32 flags, u64 token)
{
    if (m_configuration.read_only)
        return Error(RequestError::ReadOnly, "the disk is read-only");
    TRY(check_range(sector, sectors));
    if (sectors > limit)
        return Error(ErrorCode::InvalidArgument, "the range is larger than the device takes in one request");
    usize slot = TRY(take_slot());
    auto& request = prepare(m_slots[slot], type, 0);
    request.range_sector = sector;
    request.range_sectors = sectors;
    request.range_flags = flags;
    return submit(slot, {}, false, token);
}

ErrorOr<void> Requests::discard(u64 sector, u32 sectors, u64 token)
{
    if (!m_configuration.discard)
        return Error(RequestError::NotOffered, "the device offers no discard");
    return submit_range(RequestType::Discard, sector, sectors, m_configuration.discard_sectors_maximum, 0, token);
}

ErrorOr<void> Requests::write_zeroes(u64 sector, u32 sectors, bool may_unmap, u64 token)
{
    if (!m_configuration.write_zeroes)
        return Error(RequestError::NotOffered, "the device offers no write-zeroes");
    return submit_range(RequestType::WriteZeroes, sector, sectors, m_configuration.write_zeroes_sectors_maximum,
        may_unmap ? write_zeroes_unmap : 0, token);
}

ErrorOr<Finished> Requests::take_finished()
{
    auto completion = TRY(m_queue->take_used());
    /* The queue only hands back tokens it was given: slot indices of requests in flight. */
    usize slot = static_cast<usize>(completion.token);
    if (slot >= maximum_in_flight || !m_busy[slot])
        return Error(ErrorCode::MalformedMessage, "the queue finished a request that is not in flight");
    m_busy[slot] = false;
    --m_in_flight;
    Finished finished { m_tokens[slot], {} };
    u8 status = __atomic_load_n(&m_slots[slot].status, __ATOMIC_ACQUIRE);
    if (completion.written == 0)
        finished.outcome = Error(RequestError::IoError, "the device finished the request without writing its status");
    else if (status == static_cast<u8>(Status::Ok))
        finished.outcome = {};
    else if (status == static_cast<u8>(Status::Unsupported))
        finished.outcome = Error(RequestError::NotOffered, "the device does not support this request");
    else if (status == static_cast<u8>(Status::IoError))
        finished.outcome = Error(RequestError::IoError, "the device reported an I/O error");
    else
        finished.outcome = Error(RequestError::IoError, "the device wrote a status virtio does not define");
    return finished;
}

}
