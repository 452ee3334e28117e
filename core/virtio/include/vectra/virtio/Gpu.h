/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The virtio GPU device's 2D commands (virtio 1.2, 5.7) over its control queue: display
 * information, 2D resources, their backing in driver memory, scanouts, and the transfer and
 * flush of damaged rectangles. One command is in flight at a time — the driver waits for each
 * answer — so the command and its response live in one page of driver memory the device sees.
 *
 * The device is not trusted: a response shorter than its command's, of a type the command cannot
 * have, or naming a request the driver did not make is MalformedMessage; an ERR_* response is an
 * error of that command (ResponseError) and never ignored. The driver's own mistakes are refused
 * before the device sees them: a rectangle that is empty or reaches outside its resource, a
 * transfer past the resource's backing, a resource that does not exist (yet).
 */

#pragma once

#include <span>
#include <vectra/Error.h>
#include <vectra/Types.h>
#include <vectra/virtio/SplitQueue.h>

namespace vectra::virtio::gpu {

/* Features (virtio 1.2, 5.7.3). A 2D driver takes none of them: no virgl, no EDID, no blobs. */
inline constexpr u64 feature_virgl = 1ull << 0;
inline constexpr u64 feature_edid = 1ull << 1;
inline constexpr u64 wanted_features = 0;

inline constexpr u16 control_queue = 0;
inline constexpr u16 cursor_queue = 1;
inline constexpr u32 maximum_scanouts = 16;
inline constexpr u32 event_display = 1; /* events_read: the display information changed */
inline constexpr u32 maximum_dimension = 16384; /* a mode or resource side longer than this is refused */

enum class CommandType : u32 {
    GetDisplayInfo = 0x0100,
    ResourceCreate2D = 0x0101,
    ResourceUnref = 0x0102,
    SetScanout = 0x0103,
    ResourceFlush = 0x0104,
    TransferToHost2D = 0x0105,
    ResourceAttachBacking = 0x0106,
    ResourceDetachBacking = 0x0107,
};

enum class ResponseType : u32 {
    OkNoData = 0x1100,
    OkDisplayInfo = 0x1101,
    ErrUnspecified = 0x1200,
    ErrOutOfMemory = 0x1201,
    ErrInvalidScanoutId = 0x1202,
    ErrInvalidResourceId = 0x1203,
    ErrInvalidContextId = 0x1204,
    ErrInvalidParameter = 0x1205,
};

/* Pixel formats of 2D resources (virtio 1.2, 5.7.6.8). B8G8R8X8 is XRGB8888 in a little-endian u32. */
enum class Format : u32 {
    B8G8R8A8 = 1,
    B8G8R8X8 = 2,
    A8R8G8B8 = 3,
    X8R8G8B8 = 4,
    R8G8B8A8 = 67,
    X8B8G8R8 = 68,
    A8B8G8R8 = 121,
    R8G8B8X8 = 134,
};

/* What the device answered with an ERR_* response: the code is the response type's low byte + 1. */
enum class ResponseError : u16 {
    Unspecified = 1,
    OutOfMemory = 2,
    InvalidScanoutId = 3,
    InvalidResourceId = 4,
    InvalidContextId = 5,
    InvalidParameter = 6,
};

[[nodiscard]] char const* response_error_name(u16 code);
inline constexpr ErrorDomain response_error_domain { "virtio-gpu", response_error_name };
constexpr ErrorDomain const& error_domain(ResponseError) { return response_error_domain; }

/* The wire structures (virtio 1.2, 5.7.6.7), little-endian like the machines Vectra runs on. */
struct ControlHeader {
    u32 type;
    u32 flags;
    u64 fence_id;
    u32 context_id;
    u8 ring_index;
    u8 padding[3];
};
static_assert(sizeof(ControlHeader) == 24);

struct Rectangle {
    u32 x { 0 };
    u32 y { 0 };
    u32 width { 0 };
    u32 height { 0 };
};
static_assert(sizeof(Rectangle) == 16);

struct DisplayOne {
    Rectangle rectangle;
    u32 enabled;
    u32 flags;
};
struct DisplayInfoResponse {
    ControlHeader header;
    DisplayOne modes[maximum_scanouts];
};
static_assert(sizeof(DisplayInfoResponse) == 408);

struct ResourceCreate2D {
    ControlHeader header;
    u32 resource_id;
    u32 format;
    u32 width;
    u32 height;
};
static_assert(sizeof(ResourceCreate2D) == 40);

/* RESOURCE_UNREF and RESOURCE_DETACH_BACKING. */
struct ResourceOnly {
    ControlHeader header;
    u32 resource_id;
    u32 padding;
};
static_assert(sizeof(ResourceOnly) == 32);

struct SetScanout {
    ControlHeader header;
    Rectangle rectangle;
    u32 scanout_id;
    u32 resource_id;
};
static_assert(sizeof(SetScanout) == 48);

struct ResourceFlush {
    ControlHeader header;
    Rectangle rectangle;
    u32 resource_id;
    u32 padding;
};
static_assert(sizeof(ResourceFlush) == 48);

struct TransferToHost2D {
    ControlHeader header;
    Rectangle rectangle;
    u64 offset;
    u32 resource_id;
    u32 padding;
};
static_assert(sizeof(TransferToHost2D) == 56);

struct AttachBacking {
    ControlHeader header;
    u32 resource_id;
    u32 entry_count;
};
static_assert(sizeof(AttachBacking) == 32);

struct MemoryEntry {
    u64 address;
    u32 length;
    u32 padding;
};
static_assert(sizeof(MemoryEntry) == 16);

/* The device configuration (virtio 1.2, 5.7.4): pending events, and how many scanouts it has. */
struct Configuration {
    u32 events_read { 0 };
    u32 scanouts { 0 };

    /* Reads and checks it (at least 16 bytes): 1 to 16 scanouts, else MalformedMessage. */
    [[nodiscard]] static ErrorOr<Configuration> read(u8 const volatile* device_configuration, usize length);
    /* Acknowledges `events` (writes events_clear). */
    static void clear_events(u8 volatile* device_configuration, u32 events);
};

/* One scanout's mode as GET_DISPLAY_INFO reported it. */
struct Mode {
    Rectangle rectangle;
    bool enabled { false };
};

struct DisplayInfo {
    Mode modes[maximum_scanouts];
};

/* Whether `rectangle` is non-empty and lies entirely within width x height (no overflow). */
[[nodiscard]] constexpr bool rectangle_within(Rectangle const& rectangle, u32 width, u32 height)
{
    return rectangle.width != 0 && rectangle.height != 0 && rectangle.x <= width && rectangle.width <= width - rectangle.x
        && rectangle.y <= height && rectangle.height <= height - rectangle.y;
}

/*
 * `pages` (device addresses, each `page_size` bytes) as a backing scatter list, neighbours merged:
 * the entries written to `into`, or Full when they do not fit.
 */
[[nodiscard]] ErrorOr<usize> scatter_list(std::span<u64 const> pages, u32 page_size, std::span<MemoryEntry> into);

/* A finished command: which one, and for GET_DISPLAY_INFO what it said. */
struct Answer {
    CommandType command { CommandType::GetDisplayInfo };
    DisplayInfo display_info;
};

class ControlQueue {
public:
    static constexpr usize memory_size = 4096;
    static constexpr usize response_offset = 3584; /* request bytes before it, response bytes after */
    static constexpr usize maximum_backing_entries = (response_offset - sizeof(AttachBacking)) / sizeof(MemoryEntry);
    static constexpr usize maximum_resources = 4;
    static constexpr u32 bytes_per_pixel = 4;

    /*
     * Commands over `queue` (the device's control queue; two descriptors each). `memory`: at least
     * memory_size bytes, 8-byte aligned, which the device sees at `device_address`.
     */
    [[nodiscard]] static ErrorOr<ControlQueue> create(SplitQueue& queue, std::span<u8> memory, u64 device_address,
        u32 scanouts);

    /*
     * Each puts one command on the queue (publish() makes it visible); take_answer() finishes it.
     * Refused before the device sees them: another command in flight (Busy); a resource id of 0
     * or one in use, a size of 0 or past maximum_dimension, no free resource slot (Full) at
     * create; a resource that is not live (NotFound); an empty rectangle or one outside its
     * resource, a scanout past the device's, a transfer reaching past the backing, too many
     * backing entries or a backing too small for the resource (InvalidArgument).
     */
    [[nodiscard]] ErrorOr<void> get_display_info();
    [[nodiscard]] ErrorOr<void> create_resource(u32 resource, Format, u32 width, u32 height);
    [[nodiscard]] ErrorOr<void> attach_backing(u32 resource, std::span<MemoryEntry const> entries);
    [[nodiscard]] ErrorOr<void> set_scanout(u32 scanout, u32 resource, Rectangle const&);
    /* Copies `rectangle` of the backing (rows of the resource's width x 4 bytes) into the resource. */
    [[nodiscard]] ErrorOr<void> transfer_to_host(u32 resource, Rectangle const&);
    [[nodiscard]] ErrorOr<void> flush(u32 resource, Rectangle const&);
    [[nodiscard]] ErrorOr<void> unref(u32 resource);

    [[nodiscard]] bool publish() { return m_queue->publish(); }

    /*
     * The command in flight, finished: NotFound while the device has not answered; a
     * ResponseError for an ERR_* answer; MalformedMessage for a used entry or answer no honest
     * device writes. Either way the command is no longer in flight.
     */
    [[nodiscard]] ErrorOr<Answer> take_answer();

    [[nodiscard]] bool busy() const { return m_in_flight; }
    /* Whether `resource` exists on the device (created, not unreferenced). */
    [[nodiscard]] bool live(u32 resource) const;

private:
    enum class State : u8 { Free, Creating, Live };
    struct Resource {
        u32 id { 0 };
        u32 width { 0 };
        u32 height { 0 };
        u64 backing_bytes { 0 }; /* what an attach in flight or done gave it */
        State state { State::Free };
    };

    ControlQueue() = default;

    [[nodiscard]] ErrorOr<Resource*> find_live(u32 resource);
    [[nodiscard]] u8* request() const { return m_memory; }
    [[nodiscard]] ErrorOr<void> submit(CommandType, usize request_bytes, u32 resource);
    void finished(bool succeeded);

    SplitQueue* m_queue { nullptr };
    u8* m_memory { nullptr };
    u64 m_device_address { 0 };
    u32 m_scanouts { 0 };
    bool m_in_flight { false };
    CommandType m_command { CommandType::GetDisplayInfo };
    u32 m_command_resource { 0 };
    u64 m_token { 0 };
    u64 m_pending_backing { 0 };
    Resource m_resources[maximum_resources];
};

}
