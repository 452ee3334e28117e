/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The checks every vectra.block server makes before touching a device, written once: a
 * partition's window onto its disk (block numbers translated, a request crossing the window's end
 * refused — never clipped — and arithmetic overflow refused), the carried buffer's size, the
 * session's in-flight limit, and the counters each session keeps (requests, bytes, latency
 * histogram). storaged applies a window per partition session; a driver applies the whole-disk
 * window. The power-cut fault injector for the hosted driver (issue 11) is to sit below these.
 */

#pragma once

#include <vectra/Error.h>
#include <vectra/block/Protocol.h>

namespace vectra::block {

struct Window {
    u64 first_block { 0 }; /* the window's block 0, in the device's numbering */
    u64 block_count { 0 };
    u32 maximum_blocks { 0 };
    bool read_only { false };

    /* The device block that window block `block` is, when [block, block + count) lies inside the window. */
    [[nodiscard]] ErrorOr<u64> translate(u64 block, u32 count) const;
    /* As translate(), and refused with ReadOnly on a read-only window. */
    [[nodiscard]] ErrorOr<u64> translate_for_writing(u64 block, u32 count) const;
    /* A window for blocks [first, first + count) of this one (a partition of a disk), read-only if either is. */
    [[nodiscard]] ErrorOr<Window> narrowed(u64 first, u64 count, bool read_only_partition) const;
};

/* Refused with BufferUnusable unless `offset` + `count` × `block_size` bytes fit in `memory_size` (overflow-safe). */
[[nodiscard]] ErrorOr<void> check_buffer(u64 offset, u32 count, u32 block_size, u64 memory_size);

/* The histogram bucket of a request that took `nanoseconds`: floor(log2(µs)), clamped to the buckets. */
[[nodiscard]] usize latency_bucket(u64 nanoseconds);

enum class RequestKind : u8 {
    Read,
    Write,
    Flush,
    Other,
};

/* A session's in-flight accounting and counters. */
class SessionAccount {
public:
    explicit SessionAccount(u16 queue_limit)
        : m_queue_limit(queue_limit)
    {
    }

    /* Takes one place in flight, or TooManyInFlight (counted as refused). */
    [[nodiscard]] ErrorOr<void> begin();
    /* A request refused before it reached the device. */
    void refuse() { ++m_counters.refused; }
    /* A place taken by begin() given back unused: the request was refused after all. */
    void cancel()
    {
        if (m_in_flight > 0)
            --m_in_flight;
        ++m_counters.refused;
    }
    /* Gives the place back and counts the completed request. */
    void complete(RequestKind, u64 bytes, u64 nanoseconds);

    [[nodiscard]] u16 in_flight() const { return m_in_flight; }
    [[nodiscard]] u16 queue_limit() const { return m_queue_limit; }
    [[nodiscard]] Counters const& counters() const { return m_counters; }

private:
    u16 m_queue_limit;
    u16 m_in_flight { 0 };
    Counters m_counters;
};

}
