/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/block/Window.h>

namespace vectra::block {

ErrorOr<u64> Window::translate(u64 block, u32 count) const
{
    if (count == 0 || count > maximum_blocks)
        return Error(BlockError::TooManyBlocks, "count is zero or above the window's maximum");
    if (block >= block_count || count > block_count - block)
        return Error(BlockError::OutOfRange, "the request reaches past the window's last block");
    return first_block + block;
}

ErrorOr<u64> Window::translate_for_writing(u64 block, u32 count) const
{
    if (read_only)
        return Error(BlockError::ReadOnly, "the window is read-only");
    return translate(block, count);
}

ErrorOr<Window> Window::narrowed(u64 first, u64 count, bool read_only_partition) const
{
    if (count == 0 || first >= block_count || count > block_count - first)
        return Error(BlockError::OutOfRange, "the partition does not lie inside the disk");
    return Window { first_block + first, count, maximum_blocks, read_only || read_only_partition };
}

ErrorOr<void> check_buffer(u64 offset, u32 count, u32 block_size, u64 memory_size)
{
    u64 bytes = u64(count) * block_size; /* at most 2^32 · 2^12: no overflow */
    if (offset > memory_size || bytes > memory_size - offset)
        return Error(BlockError::BufferUnusable, "the buffer is smaller than offset + count x block size");
    return {};
}

usize latency_bucket(u64 nanoseconds)
{
    u64 microseconds = nanoseconds / 1000;
    usize bucket = 0;
    while (microseconds > 1 && bucket + 1 < latency_buckets) {
        microseconds >>= 1;
        ++bucket;
    }
    return bucket;
}

ErrorOr<void> SessionAccount::begin()
{
    if (m_in_flight >= m_queue_limit) {
        ++m_counters.refused;
        return Error(BlockError::TooManyInFlight, "the session has queue_limit requests in flight");
    }
    ++m_in_flight;
    if (m_in_flight > m_counters.in_flight_peak)
        m_counters.in_flight_peak = m_in_flight;
    return {};
}

void SessionAccount::complete(RequestKind kind, u64 bytes, u64 nanoseconds)
{
    if (m_in_flight > 0)
        --m_in_flight;
    switch (kind) {
    case RequestKind::Read:
        ++m_counters.reads;
        m_counters.bytes_read += bytes;
        break;
    case RequestKind::Write:
        ++m_counters.writes;
        m_counters.bytes_written += bytes;
        break;
    case RequestKind::Flush:
        ++m_counters.flushes;
        break;
    case RequestKind::Other:
        ++m_counters.other;
        break;
    }
    ++m_counters.latency[latency_bucket(nanoseconds)];
}

}
