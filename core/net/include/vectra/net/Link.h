/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.link, declared once (docs/adr/0029-virtio-net-and-the-link-protocol.md, after ADR 0024
 * §11): what a NIC driver Task serves to netd — one Ethernet link, one client, on a direct Ring
 * pair from the manifest. Encoding, schema id, dispatch and docs/protocols/vectra.link.md all come
 * from this declaration (core/concurrent's protocol library).
 *
 * Frames never travel in slot bytes. The client lends memory once per session (v2): `lend` carries
 * a MemCap it owns (read and write: the device writes received frames into it and reads frames to
 * send from it) that the driver keeps, checks once and resolves to a device address once. Then a
 * `post-receive` names `length` bytes (at least `frame_maximum`) at `offset` in the lent region
 * that the device writes one received frame into; its reply, `{length}`, comes when a frame landed
 * there — in any order, matched by call id. A `transmit` names one whole Ethernet frame
 * (destination, source, type, payload; no frame check sequence) of 14 to `frame_maximum` bytes at
 * `offset` in the region; its reply comes once the device is done with the frame, so the client
 * may reuse the memory then. Neither carries a capability. A client keeps up to `receive_limit`
 * receive buffers and `transmit_limit` transmits outstanding; one more is `too-many-outstanding`.
 * Both limits together never exceed the slot count, so every reply the driver owes fits the
 * replies Ring. A `post-receive` or `transmit` before any `lend` is `not-lent`; a `lend` while
 * anything is outstanding is `lent-in-use` (with nothing outstanding it replaces the region). A
 * lent copy found revoked is forgotten (the next requests are `not-lent`); revoked with buffers at
 * the device, the driver resets the device and ends, as for a broken queue.
 *
 * Restart. A driver keeps nothing across a restart: the client's next call fails with
 * `PeerRestarted`, its lent region, every receive buffer it had posted and every transmit it had
 * not had answered are forgotten (the frames may or may not have been sent), and it lends its
 * region and posts its buffers again. A client's restart ends the driver's session the same way:
 * the device is reset before the lent copy goes.
 */

#pragma once

#include <array>
#include <vectra/protocol/Declaration.h>

namespace vectra::net::link {

/* Errors a program can act on; kernel and L0 errors (malformed-message, …) travel as themselves. */
enum class LinkError : u16 {
    BufferUnusable = 1,
    BufferTooSmall = 2,
    FrameTooLarge = 3,
    FrameTooSmall = 4,
    TooManyOutstanding = 5,
    DeviceFailed = 6,
    NotLent = 7,
    LentInUse = 8,
};

/* An Ethernet header: destination, source, type. */
inline constexpr u16 ethernet_header_bytes = 14;
/* At least this many receive buffers and transmits outstanding must be possible for a server to declare conformance. */
inline constexpr u16 minimum_outstanding = 16;

struct Info {
    static constexpr auto fields() { return vectra::fields(); }
};

/* What the link is: its address, its MTU and the client's limits. */
struct LinkInfo {
    std::array<u8, 6> mac {};
    u16 mtu { 0 };            /* the largest IP packet a frame carries */
    u16 frame_maximum { 0 };  /* mtu + the Ethernet header: the smallest receive buffer, the largest transmit */
    u16 receive_limit { 0 };  /* receive buffers the client may have posted at once */
    u16 transmit_limit { 0 }; /* transmits the client may have unanswered at once */
    bool up { false };        /* the link state when asked (always up when the device cannot say) */
    static constexpr auto fields()
    {
        return vectra::fields(field("mac", &LinkInfo::mac), field("mtu", &LinkInfo::mtu),
            field("frame_maximum", &LinkInfo::frame_maximum), field("receive_limit", &LinkInfo::receive_limit),
            field("transmit_limit", &LinkInfo::transmit_limit), field("up", &LinkInfo::up));
    }
};

/* The client's frame memory, carried as a MemCap with read and write. */
struct Lend {
    static constexpr auto fields() { return vectra::fields(); }
};

struct Lent {
    u64 size { 0 }; /* the lent region's bytes, as the driver sees them */
    static constexpr auto fields() { return vectra::fields(field("size", &Lent::size)); }
};

struct PostReceive {
    u64 offset { 0 }; /* byte offset into the lent region */
    u32 length { 0 }; /* the buffer's bytes: at least frame_maximum */
    static constexpr auto fields()
    {
        return vectra::fields(field("offset", &PostReceive::offset), field("length", &PostReceive::length));
    }
};

struct Landed {
    u32 length { 0 }; /* the frame's bytes at the buffer's start */
    static constexpr auto fields() { return vectra::fields(field("length", &Landed::length)); }
};

struct Transmit {
    u64 offset { 0 }; /* byte offset into the lent region */
    u32 length { 0 }; /* the frame's bytes: 14 to frame_maximum */
    static constexpr auto fields()
    {
        return vectra::fields(field("offset", &Transmit::offset), field("length", &Transmit::length));
    }
};

struct ReadLinkState {
    static constexpr auto fields() { return vectra::fields(); }
};

struct LinkState {
    bool up { false };
    static constexpr auto fields() { return vectra::fields(field("up", &LinkState::up)); }
};

struct ReadCounters {
    static constexpr auto fields() { return vectra::fields(); }
};

struct Counters {
    u64 frames_received { 0 };
    u64 bytes_received { 0 };
    u64 frames_transmitted { 0 };
    u64 bytes_transmitted { 0 };
    u64 refused { 0 };         /* requests answered with an error */
    u16 receive_posted { 0 };  /* receive buffers posted now */
    u16 transmit_pending { 0 }; /* transmits unanswered now */
    static constexpr auto fields()
    {
        return vectra::fields(field("frames_received", &Counters::frames_received),
            field("bytes_received", &Counters::bytes_received), field("frames_transmitted", &Counters::frames_transmitted),
            field("bytes_transmitted", &Counters::bytes_transmitted), field("refused", &Counters::refused),
            field("receive_posted", &Counters::receive_posted), field("transmit_pending", &Counters::transmit_pending));
    }
};

struct Protocol {
    static constexpr std::string_view name = "vectra.link";
    static constexpr u16 version = 2;
    static constexpr u32 slot_count = 64;
    static constexpr u32 slot_size = 128;
    using Errors = LinkError;

    static constexpr auto errors()
    {
        using protocol::error;
        return protocol::errors(
            error(LinkError::BufferUnusable, "buffer-unusable", "a lend's MemCap is missing, not memory, lacks read or write, or cannot be given to the device; or a request's offset + length lies outside the lent region"),
            error(LinkError::BufferTooSmall, "buffer-too-small", "a receive buffer shorter than frame_maximum"),
            error(LinkError::FrameTooLarge, "frame-too-large", "a transmit longer than frame_maximum (an IP packet above the MTU)"),
            error(LinkError::FrameTooSmall, "frame-too-small", "a transmit shorter than the Ethernet header"),
            error(LinkError::TooManyOutstanding, "too-many-outstanding", "receive_limit buffers (or transmit_limit transmits) are already outstanding; wait for a reply and send again"),
            error(LinkError::DeviceFailed, "device-failed", "the device broke its queue; the driver ends and is restarted (the client sees PeerRestarted)"),
            error(LinkError::NotLent, "not-lent", "a post-receive or transmit before any lend, or after the lent copy was revoked: lend the region first"),
            error(LinkError::LentInUse, "lent-in-use", "a lend while receive buffers or transmits are outstanding in the lent region; wait for their replies"));
    }

    static constexpr auto messages()
    {
        using protocol::Done;
        using protocol::message;
        return protocol::messages(message<Info, LinkInfo>("info", "The link's MAC address, MTU, largest frame, link state and the client's limits on outstanding buffers."),
            message<PostReceive, Landed>("post-receive", "Gives `length` bytes of the lent region at `offset` to the device for one received frame; answered, in any order, when a frame landed there."),
            message<Transmit, Done>("transmit", "Sends the frame of `length` bytes at `offset` of the lent region; answered once the device is done with it."),
            message<ReadLinkState, LinkState>("link-state", "Whether the link is up now (answered at once)."),
            message<ReadCounters, Counters>("counters", "Frames and bytes each way, refusals, and what the client has outstanding."),
            message<Lend, Lent>("lend", "Lends the carried MemCap (read and write) as the session's frame memory, replacing an idle one; post-receive and transmit name offsets in it. Answered at once with its size.")
                .carrying(CapabilityClass::Memory, std::nullopt));
    }
};

inline constexpr ErrorDomain domain = protocol::error_domain<Protocol>();
constexpr ErrorDomain const& error_domain(LinkError) { return domain; }

inline constexpr u64 schema_id = protocol::schema_id<Protocol>;

}
