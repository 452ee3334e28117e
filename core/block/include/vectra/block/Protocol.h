/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.block, declared once (docs/adr/0017-block-layer.md): what a block driver Task serves to
 * storaged for a whole disk, and what storaged serves to its clients for one GPT partition per
 * session. Encoding, schema id, client, dispatch and docs/protocols/vectra.block.md all come from
 * this declaration (core/concurrent's protocol library).
 *
 * Data never travels in slot bytes: a read or write request's slot carries a MemCap the client
 * owns (a copy: read-write for read, read-only is enough for write), `offset` bytes into which the
 * transfer starts. The server writes into it (read) or reads from it (write) and deletes its copy
 * before replying. Replies are matched to requests by the envelope's call id and may come in any
 * order: a client keeps up to `queue_limit` (from info) requests in flight.
 */

#pragma once

#include <array>
#include <vectra/FixedString.h>
#include <vectra/protocol/Declaration.h>

namespace vectra::block {

/* Errors a program can act on; kernel and L0 errors (malformed-message, …) travel as themselves. */
enum class BlockError : u16 {
    OutOfRange = 1,
    ReadOnly = 2,
    IoError = 3,
    TooManyInFlight = 4,
    NotOffered = 5,
    BufferUnusable = 6,
    TooManyBlocks = 7,
    NoSuchPartition = 8,
    NoPartitionSelected = 9,
    PartitionAlreadySelected = 10,
};

/* The longest GPT partition name (36 UTF-16 code units), as storaged matches it: ASCII only. */
inline constexpr usize maximum_partition_name = 36;
using PartitionName = FixedString<maximum_partition_name>;

/* At least this many requests in flight per session must be possible for a server to declare conformance. */
inline constexpr u16 minimum_queue_limit = 32;

struct Info {
    static constexpr auto fields() { return vectra::fields(); }
};

/* What a device (or a partition of one) is, and what this session may do with it. */
struct Geometry {
    u32 block_size { 0 };        /* bytes per block: 512 or 4096 */
    u64 block_count { 0 };       /* blocks 0 … block_count − 1 are addressable */
    bool read_only { false };
    bool flush { false };        /* flush is offered (the device has a volatile write cache) */
    bool discard { false };
    bool write_zeroes { false };
    u32 maximum_blocks { 0 };    /* the most blocks one read, write, discard or write-zeroes may name */
    u16 queue_limit { 0 };       /* requests this session may have in flight; one more is refused */
    static constexpr auto fields()
    {
        return vectra::fields(field("block_size", &Geometry::block_size), field("block_count", &Geometry::block_count),
            field("read_only", &Geometry::read_only), field("flush", &Geometry::flush),
            field("discard", &Geometry::discard), field("write_zeroes", &Geometry::write_zeroes),
            field("maximum_blocks", &Geometry::maximum_blocks), field("queue_limit", &Geometry::queue_limit));
    }
};

struct Read {
    u64 block { 0 };
    u32 count { 0 };
    u64 offset { 0 }; /* byte offset into the carried MemCap */
    static constexpr auto fields()
    {
        return vectra::fields(field("block", &Read::block), field("count", &Read::count), field("offset", &Read::offset));
    }
};

struct Write {
    u64 block { 0 };
    u32 count { 0 };
    u64 offset { 0 };
    bool force_unit_access { false }; /* durable before the reply (as write + flush of these blocks) */
    static constexpr auto fields()
    {
        return vectra::fields(field("block", &Write::block), field("count", &Write::count),
            field("offset", &Write::offset), field("force_unit_access", &Write::force_unit_access));
    }
};

struct Flush {
    static constexpr auto fields() { return vectra::fields(); }
};

struct Discard {
    u64 block { 0 };
    u32 count { 0 };
    static constexpr auto fields() { return vectra::fields(field("block", &Discard::block), field("count", &Discard::count)); }
};

struct WriteZeroes {
    u64 block { 0 };
    u32 count { 0 };
    static constexpr auto fields()
    {
        return vectra::fields(field("block", &WriteZeroes::block), field("count", &WriteZeroes::count));
    }
};

struct SelectPartition {
    PartitionName name;
    static constexpr auto fields() { return vectra::fields(field("name", &SelectPartition::name)); }
};

/* A session's counters: what it asked and how long the device took, in powers of two of microseconds. */
inline constexpr usize latency_buckets = 16;
struct Counters {
    u64 reads { 0 };
    u64 writes { 0 };
    u64 flushes { 0 };
    u64 other { 0 }; /* discard, write-zeroes, info */
    u64 refused { 0 };
    u64 bytes_read { 0 };
    u64 bytes_written { 0 };
    u16 in_flight_peak { 0 };
    std::array<u32, latency_buckets> latency {}; /* [n]: completed in [2^n, 2^(n+1)) µs; [0] also below 1 µs; last also above */
    static constexpr auto fields()
    {
        return vectra::fields(field("reads", &Counters::reads), field("writes", &Counters::writes),
            field("flushes", &Counters::flushes), field("other", &Counters::other), field("refused", &Counters::refused),
            field("bytes_read", &Counters::bytes_read), field("bytes_written", &Counters::bytes_written),
            field("in_flight_peak", &Counters::in_flight_peak), field("latency", &Counters::latency));
    }
};

struct ReadCounters {
    static constexpr auto fields() { return vectra::fields(); }
};

struct Protocol {
    static constexpr std::string_view name = "vectra.block";
    static constexpr u16 version = 1;
    static constexpr u32 slot_count = 64;
    static constexpr u32 slot_size = 256;
    using Errors = BlockError;

    static constexpr auto errors()
    {
        using protocol::error;
        return protocol::errors(
            error(BlockError::OutOfRange, "out-of-range", "the request reaches past the last block of the device or partition; nothing was done (never clipped)"),
            error(BlockError::ReadOnly, "read-only", "a write, discard or write-zeroes on a read-only device or session"),
            error(BlockError::IoError, "io-error", "the device failed the request; the blocks it names are in an unknown state"),
            error(BlockError::TooManyInFlight, "too-many-in-flight", "the session already has queue_limit requests in flight; wait for a reply and send again"),
            error(BlockError::NotOffered, "not-offered", "flush, discard or write-zeroes, which this device does not offer (see info)"),
            error(BlockError::BufferUnusable, "buffer-unusable", "no MemCap came with a read or write, it lacks the right (write for read), or it is smaller than offset + count x block_size"),
            error(BlockError::TooManyBlocks, "too-many-blocks", "count is zero or above maximum_blocks"),
            error(BlockError::NoSuchPartition, "no-such-partition", "select-partition named no partition of the disk"),
            error(BlockError::NoPartitionSelected, "no-partition-selected", "a storaged session must select its partition before anything else"),
            error(BlockError::PartitionAlreadySelected, "partition-already-selected", "a session serves one partition for its whole life"));
    }

    static constexpr auto messages()
    {
        using protocol::Done;
        using protocol::message;
        return protocol::messages(message<Info, Geometry>("info", "The device's (or the session's partition's) geometry, what it offers and the session's queue limit."),
            message<Read, Done>("read", "Reads `count` blocks from `block` into the carried MemCap at byte `offset`; the server writes into it.")
                .carrying(CapabilityClass::Memory, std::nullopt),
            message<Write, Done>("write", "Writes `count` blocks at `block` from the carried MemCap at byte `offset`; with `force_unit_access`, durable before the reply.")
                .carrying(CapabilityClass::Memory, std::nullopt),
            message<Flush, Done>("flush", "Every write replied to before this request was sent is durable when it is answered."),
            message<Discard, Done>("discard", "The blocks' contents are no longer needed; reading them later gives unspecified bytes."),
            message<WriteZeroes, Done>("write-zeroes", "The blocks read as zeroes afterwards."),
            message<SelectPartition, Geometry>("select-partition", "storaged only, first on a session: binds it to the GPT partition of that name for its life; block numbers are then the partition's."),
            message<ReadCounters, Counters>("counters", "The session's counters: requests by kind, bytes, refusals, the in-flight peak and a latency histogram."));
    }
};

inline constexpr ErrorDomain domain = protocol::error_domain<Protocol>();
constexpr ErrorDomain const& error_domain(BlockError) { return domain; }

inline constexpr u64 schema_id = protocol::schema_id<Protocol>;

}
