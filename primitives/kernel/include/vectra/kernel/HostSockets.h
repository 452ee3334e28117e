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
 */

#pragma once

#include <vectra/HostSockets.h>
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
    }

    [[nodiscard]] bool loopback_only() const { return m_loopback_only; }
    [[nodiscard]] u32 open_count() const;
    /* The host descriptor at `index`, or an error when the index names no open socket. */
    [[nodiscard]] ErrorOr<i32> descriptor(u32 index) const;
    /* Takes a free index for `descriptor`; Full (and the descriptor closed) when none is left. */
    [[nodiscard]] ErrorOr<u32> adopt(i32 descriptor);
    void close(u32 index);
    void close_all();

protected:
    void tear_down() override { close_all(); }

private:
    bool m_loopback_only { true };
    i32 m_descriptors[maximum_host_sockets];
};

/* Whether `address` is one a loopback-only capability may name (127.0.0.0/8, ::1, ::ffff:127.0.0.0/104). */
[[nodiscard]] bool is_loopback(HostAddress const&);

/* One operation (HostSocketOperation) on the capability; `address` and `bytes` are caller memory the call checked. */
struct HostSocketCall {
    HostSocketOperation operation { HostSocketOperation::Ready };
    u32 index { 0 };
    u32 extra { 0 }; /* Open: kind | backlog << 8; Shutdown: how */
    HostAddress* address { nullptr };
    std::span<u8> bytes;
};
[[nodiscard]] ErrorOr<HostSocketResult> host_socket_call(CapabilitySpace const&, DeviceCap const&, HostSocketCall const&);

}
