/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * No host sockets (vectra/platform/HostSockets.h): a machine's network is a NIC (virtio-net)
 * that netd reaches through a driver Task, not a kernel device. The kernel makes no capability.
 */

#include <vectra/platform/HostSockets.h>

namespace vectra::platform {

bool host_sockets_present() { return false; }

std::span<HostForward const> host_socket_forwards() { return {}; }

ErrorOr<i32> host_socket_open(HostSocketKind, HostAddress const&, u16, HostSocketStatus& status)
{
    status = HostSocketStatus::Failed;
    return Error(ErrorCode::Unsupported, "no host sockets on this platform");
}

i32 host_socket_accept(i32, HostAddress&, HostSocketStatus& status)
{
    status = HostSocketStatus::Failed;
    return -1;
}

HostSocketResult host_socket_send(i32, std::span<u8 const>, HostAddress const*) { return { HostSocketStatus::Failed, 0, false }; }

HostSocketResult host_socket_receive(i32, std::span<u8>, HostAddress&) { return { HostSocketStatus::Failed, 0, false }; }

HostSocketStatus host_socket_shutdown(i32, u8) { return HostSocketStatus::Failed; }

u32 host_socket_ready(i32) { return 0; }

HostSocketStatus host_socket_local(i32, HostAddress&) { return HostSocketStatus::Failed; }

void host_socket_close(i32) { }

void host_socket_watch(i32, bool) { }

u32 host_sockets_line() { return ~u32(0); }

}
