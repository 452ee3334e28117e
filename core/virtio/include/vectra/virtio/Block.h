/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The virtio block device's requests (virtio 1.2, 5.2) over one split virtqueue: read, write,
 * flush, discard and write-zeroes, many in flight, finished in whatever order the device
 * chooses. Each request in flight owns a slot of driver memory the device also sees — its header
 * (type, sector), its discard/write-zeroes range and its status byte — so the data buffers are
 * the caller's own (a client's MemCap travels to the device without a copy).
 *
 * The device is not trusted: its configuration is checked before use (Configuration::read), and
 * a finished request whose status byte the device did not write, or holds a value virtio does not
 * define, is an I/O error of that request and nothing else.
 */

#pragma once

#include <span>
#include <vectra/Error.h>
#include <vectra/Types.h>
#include <vectra/virtio/SplitQueue.h>

namespace vectra::virtio::block {

inline constexpr u64 feature_size_maximum = 1ull << 1;
inline constexpr u64 feature_segment_maximum = 1ull << 2;
inline constexpr u64 feature_read_only = 1ull << 5;
inline constexpr u64 feature_block_size = 1ull << 6;
inline constexpr u64 feature_flush = 1ull << 9;
inline constexpr u64 feature_discard = 1ull << 13;
inline constexpr u64 feature_write_zeroes = 1ull << 14;

/* The features a driver asks for; the device offers a subset. */
inline constexpr u64 wanted_features = feature_size_maximum | feature_segment_maximum | feature_read_only
    | feature_block_size | feature_flush | feature_discard | feature_write_zeroes;

/* virtio-blk addresses the disk in 512-byte sectors whatever its logical block size. */
inline constexpr u32 sector_size = 512;

enum class RequestType : u32 {
    Read = 0,
    Write = 1,
    Flush = 4,
    Discard = 11,
    WriteZeroes = 13,
};

/* What a request can fail with that a block layer passes on to its clients as its own error. */
enum class RequestError : u16 {
    OutOfRange = 1, /* the range reaches past the disk's end */
    ReadOnly = 2,   /* a write, discard or write-zeroes to a read-only disk */
    IoError = 3,    /* the device failed the request, or finished it without a status virtio defines */
    NotOffered = 4, /* the device does not offer (or refused) this kind of request */
};

[[nodiscard]] char const* request_error_name(u16 code);
inline constexpr ErrorDomain request_error_domain { "virtio-blk", request_error_name };
constexpr ErrorDomain const& error_domain(RequestError) { return request_error_domain; }

/* What the device says about itself (its configuration space, as the negotiated features allow). */
struct Configuration {
    u64 sectors { 0 };
    u32 block_size { sector_size };  /* the device's logical block: a power of two, 512 to 64 KiB */
    u32 segment_maximum { 1 };       /* data segments per request */
    u32 segment_size_maximum { 0 };  /* bytes per segment; 0: no limit said */
    u32 discard_sectors_maximum { 0 };
    u32 write_zeroes_sectors_maximum { 0 };
    bool read_only { false };
    bool flush { false };
    bool discard { false };
    bool write_zeroes { false };

    /*
     * Reads and checks the device configuration (at least 60 bytes) under the accepted `features`:
     * a zero capacity, a block size that is no power of two in range, or a discard or write-zeroes
     * feature with a zero limit is refused (MalformedMessage).
     */
    [[nodiscard]] static ErrorOr<Configuration> read(u8 const volatile* device_configuration, usize length, u64 features);
};

/* The driver memory one request in flight owns; the device reads the first 32 bytes and writes `status`. */
struct RequestSlot {
    u32 type;
    u32 reserved;
    u64 sector;
    u64 range_sector; /* discard and write-zeroes: one range, virtio 1.2 5.2.6 */
    u32 range_sectors;
    u32 range_flags;
    u8 status;
    u8 padding[7];
};
static_assert(sizeof(RequestSlot) == 40);

enum class Status : u8 {
    Ok = 0,
    IoError = 1,
    Unsupported = 2,
};

/* A request the device finished: the caller's token, and its outcome. */
struct Finished {
    u64 token { 0 };
    ErrorOr<void> outcome;
};

class Requests {
public:
    static constexpr usize maximum_in_flight = 64;
    static constexpr usize maximum_segments = 16;
    static constexpr usize slot_memory_size = maximum_in_flight * sizeof(RequestSlot);

    /*
     * Requests over `queue` (its descriptors: three per single-segment request). `slots`: at least
     * slot_memory_size bytes, 8-byte aligned, which the device sees at `slots_device_address`.
     */
    [[nodiscard]] static ErrorOr<Requests> create(SplitQueue& queue, std::span<u8> slots, u64 slots_device_address,
        Configuration const& configuration);

    /*
     * Data requests of whole sectors, in at most segment_maximum (and maximum_segments)
     * segments, each the caller's memory as the device sees it. Refused before the device sees
     * them: a range past the disk's end (RequestError::OutOfRange), a length that is no multiple
     * of 512 or zero (InvalidArgument), writing a read-only disk (RequestError::ReadOnly), an
     * operation the device does not offer (RequestError::NotOffered), and no free slot or
     * descriptors (Busy: take a finished request first).
     */
    [[nodiscard]] ErrorOr<void> read(u64 sector, std::span<Segment const> into, u64 token);
    [[nodiscard]] ErrorOr<void> write(u64 sector, std::span<Segment const> from, u64 token);
    [[nodiscard]] ErrorOr<void> flush(u64 token);
    [[nodiscard]] ErrorOr<void> discard(u64 sector, u32 sectors, u64 token);
    [[nodiscard]] ErrorOr<void> write_zeroes(u64 sector, u32 sectors, bool may_unmap, u64 token);

    /* Makes the submitted requests visible to the device; returns whether to notify it. */
    [[nodiscard]] bool publish() { return m_queue->publish(); }

    /* The next finished request, NotFound when none is, MalformedMessage when the device broke the queue. */
    [[nodiscard]] ErrorOr<Finished> take_finished();

    [[nodiscard]] usize in_flight() const { return m_in_flight; }
    [[nodiscard]] Configuration const& configuration() const { return m_configuration; }

private:
    Requests() = default;

    [[nodiscard]] ErrorOr<void> check_range(u64 sector, u64 sectors) const;
    [[nodiscard]] ErrorOr<usize> take_slot();
    [[nodiscard]] ErrorOr<void> submit(usize slot, std::span<Segment const> data, bool device_writes_data, u64 token);
    [[nodiscard]] ErrorOr<void> submit_range(RequestType, u64 sector, u32 sectors, u32 limit, u32 flags, u64 token);
    [[nodiscard]] ErrorOr<void> submit_data(RequestType, u64 sector, std::span<Segment const> data, u64 token);

    SplitQueue* m_queue { nullptr };
    RequestSlot* m_slots { nullptr };
    u64 m_slots_address { 0 };
    Configuration m_configuration;
    usize m_in_flight { 0 };
    u64 m_tokens[maximum_in_flight] {};
    bool m_busy[maximum_in_flight] {};
};

}
