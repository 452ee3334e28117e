/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.link, declared once (docs/adr/0029-virtio-net-and-the-link-protocol.md, after ADR 0024
 * §11): what a NIC driver Task serves to netd — one Ethernet link, one client, on a direct Ring
 * pair from the manifest. Encoding, schema id, dispatch and docs/protocols/vectra.link.md all come
 * from this declaration (core/concurrent's protocol library).
 *
 * Frames never travel in slot bytes. The client lends memory: a `post-receive` carries a MemCap it
 * owns (writable, at least `frame_maximum` bytes from `offset`) that the device writes one
 * received frame into; its reply, `{length}`, comes when a frame landed there — in any order,
 * matched by call id — and the driver has deleted its copy. A `transmit` carries a MemCap
 * (read-only is enough) holding one whole Ethernet frame (destination, source, type, payload; no
 * frame check sequence) of 14 to `frame_maximum` bytes at `offset`; its reply comes once the
 * device is done with the frame, so the client may reuse the memory then. A client keeps up to
 * `receive_limit` receive buffers and `transmit_limit` transmits outstanding; one more is
 * `too-many-outstanding`. Both limits together never exceed the slot count, so every reply the
 * driver owes fits the replies Ring.
 *
 * Restart. A driver keeps nothing across a restart: the client's next call fails with
 * `PeerRestarted`, every receive buffer it had posted and every transmit it had not had answered is
 * forgotten (the frames may or may not have been sent), and it posts its buffers again.
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

struct PostReceive {
    u64 offset { 0 }; /* byte offset into the carried MemCap */
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
    u64 offset { 0 };
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
    static constexpr u16 version = 1;
    static constexpr u32 slot_count = 64;
    static constexpr u32 slot_size = 128;
    using Errors = LinkError;

    static constexpr auto errors()
    {
        using protocol::error;
        return protocol::errors(
            error(LinkError::BufferUnusable, "buffer-unusable", "no MemCap came with the request, it is not memory, it lacks a right (write for post-receive, read for both) or offset + length lies outside it"),
            error(LinkError::BufferTooSmall, "buffer-too-small", "a receive buffer shorter than frame_maximum"),
            error(LinkError::FrameTooLarge, "frame-too-large", "a transmit longer than frame_maximum (an IP packet above the MTU)"),
            error(LinkError::FrameTooSmall, "frame-too-small", "a transmit shorter than the Ethernet header"),
            error(LinkError::TooManyOutstanding, "too-many-outstanding", "receive_limit buffers (or transmit_limit transmits) are already outstanding; wait for a reply and send again"),
            error(LinkError::DeviceFailed, "device-failed", "the device broke its queue; the driver ends and is restarted (the client sees PeerRestarted)"));
    }

    static constexpr auto messages()
    {
        using protocol::Done;
        using protocol::message;
        return protocol::messages(message<Info, LinkInfo>("info", "The link's MAC address, MTU, largest frame, link state and the client's limits on outstanding buffers."),
            message<PostReceive, Landed>("post-receive", "Lends `length` bytes of the carried MemCap at `offset` for one received frame; answered, in any order, when a frame landed there.")
                .carrying(CapabilityClass::Memory, std::nullopt),
            message<Transmit, Done>("transmit", "Sends the frame of `length` bytes at `offset` of the carried MemCap; answered once the device is done with it.")
                .carrying(CapabilityClass::Memory, std::nullopt),
            message<ReadLinkState, LinkState>("link-state", "Whether the link is up now (answered at once)."),
            message<ReadCounters, Counters>("counters", "Frames and bytes each way, refusals, and what the client has outstanding."));
    }
};

inline constexpr ErrorDomain domain = protocol::error_domain<Protocol>();
constexpr ErrorDomain const& error_domain(LinkError) { return domain; }

inline constexpr u64 schema_id = protocol::schema_id<Protocol>;

}
