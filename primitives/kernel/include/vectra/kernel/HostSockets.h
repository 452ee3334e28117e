/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The host's sockets as a DeviceCap (hosted only; ADR 0024, amendment "the host backend"). The
 * object holds its own table of at most maximum_host_sockets host descriptors; a Task names a
 * socket by its index there, never by a descriptor. Confinement: a capability made with
 * `loopback_only` (the one initd gets at boot) refuses every address outside 127.0.0.0/8 and ::1
 * (MissingRight) — as local address for a listener or UDP, as remote for a connect or a datagram.
 * A full table is Full. Every descriptor is closed when the last capability to the object goes
 * (tear_down). Operations need RightWrite (Ready and Local: RightRead).
 *
 * Forwards (HostForward, the hosted process's --forward= arguments, added at boot): a TCP connect
 * to a TCP forward's `from` — outside loopback, otherwise refused — opens a connection to its `to`
 * on loopback; the socket's peer is reported as `from`. A datagram a UDP socket sends to a UDP
 * forward's `from` goes to its `to`; a datagram a UDP socket receives from a UDP forward's `to` is
 * reported as from its `from` (a UDP forward's `to` is therefore one forward's only). Nothing else
 * about `from` is granted: a listener or a UDP socket bound on it, a connect through a UDP forward,
 * a datagram through a TCP one, or another port of it, is refused as any other address outside
 * loopback.
 */

#pragma once

#include <vectra/HostSockets.h>
#include <vectra/SignalBit.h>
#include <vectra/kernel/Console.h>

namespace vectra {

class HostSocketDevice final : public Device {
public:
    explicit HostSocketDevice(KernelObject* origin, bool loopback_only)
        : Device(Kind::HostSockets, origin)
        , m_loopback_only(loopback_only)
    {
        for (auto& descriptor : m_descriptors)
            descriptor = -1;
        for (auto& forward : m_forward_of)
            forward = no_forward;
    }

    [[nodiscard]] bool loopback_only() const { return m_loopback_only; }
    /*
     * Adds a forward: `from` outside loopback, `to` on it, both with a port, `from` not forwarded
     * for that kind yet (nor, for UDP, `to`), at most maximum_host_forwards.
     */
    [[nodiscard]] ErrorOr<void> add_forward(HostForward const&);
    [[nodiscard]] u32 forward_count() const { return m_forward_count; }
    /* The forward of `kind` whose `from` is exactly `address` (family, bytes and port), or null. */
    [[nodiscard]] HostForward const* forward_for(HostAddress const& address, HostSocketKind kind = HostSocketKind::TcpConnect) const;
    /* The UDP forward whose `to` is exactly `address`, or null. */
    [[nodiscard]] HostForward const* datagram_forward_from(HostAddress const& address) const;
    /* Whether the socket at `index` is a UDP one. */
    [[nodiscard]] bool is_datagram(u32 index) const { return index < maximum_host_sockets && m_datagram[index]; }
    void set_datagram(u32 index, bool datagram)
    {
        if (index < maximum_host_sockets)
            m_datagram[index] = datagram;
    }
    /* The forward the socket at `index` was connected through, or null. */
    [[nodiscard]] HostForward const* forward_at(u32 index) const;
    void set_forward_at(u32 index, HostForward const*);
    [[nodiscard]] u32 open_count() const;
    /* The host descriptor at `index`, or an error when the index names no open socket. */
    [[nodiscard]] ErrorOr<i32> descriptor(u32 index) const;
    /* Takes a free index for `descriptor`; Full (and the descriptor closed) when none is left. */
    [[nodiscard]] ErrorOr<u32> adopt(i32 descriptor);
    void close(u32 index);
    void close_all();
    /* After a send at `index` answered `status`: room to send is watched from a would-block until a send is done. */
    void note_send(u32 index, HostSocketStatus status);

protected:
    void tear_down() override { close_all(); }

private:
    static constexpr u8 no_forward = 0xff;
    bool m_loopback_only { true };
    i32 m_descriptors[maximum_host_sockets];
    u8 m_forward_of[maximum_host_sockets];
    bool m_datagram[maximum_host_sockets] {};
    bool m_watching_writable[maximum_host_sockets] {};
    HostForward m_forwards[maximum_host_forwards] {};
    u32 m_forward_count { 0 };
};

/* One operation (HostSocketOperation) on the capability; `address` and `bytes` are caller memory the call checked. */
struct HostSocketCall {
    HostSocketOperation operation { HostSocketOperation::Ready };
    u32 index { 0 };
    u32 extra { 0 }; /* Open: kind | backlog << 8; Shutdown: how */
    HostAddress* address { nullptr };
    std::span<u8> bytes;
};
[[nodiscard]] ErrorOr<HostSocketResult> host_socket_call(CapabilitySpace const&, DeviceCap const&, HostSocketCall const&);
/* The host-sockets line as an IrqCap routed to `bit` of the caller's mask (RightRead; Busy while routed). */
[[nodiscard]] ErrorOr<IrqCap> host_sockets_interrupt(CapabilitySpace&, DeviceCap const&, ReticleCap const& memory, SignalBit);

}
