/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The host's sockets (hosted only; vectra/HostSockets.h has the shared types). The kernel
 * checks the capability, its table and the address confinement; the platform only moves the
 * call to the host: non-blocking descriptors, closed on exec. x86_64 and aarch64 have none
 * (host_sockets_present() is false and the kernel makes no capability).
 *
 * Readiness (ADR 0024, amendment "netd woken by the host"): every descriptor the kernel adopts is
 * watched by the platform, edge-triggered, and host_sockets_line() is raised whenever one of them
 * changes towards what a waiter wants — bytes or a datagram arrived, a connection is waiting to be
 * accepted, the peer hung up or the socket failed, and, while the kernel asks for it (after a send
 * answered would-block), room to send. An edge is a change after the last look: a Task that saw
 * would-block and then waits is raised by whatever arrives after its look.
 */

#pragma once

#include <span>
#include <vectra/Error.h>
#include <vectra/HostSockets.h>

namespace vectra::platform {

/* Whether the platform can open host sockets at all. */
[[nodiscard]] bool host_sockets_present();
/* The forwards the platform was given for the capability made at boot (hosted: --forward=; elsewhere none). */
[[nodiscard]] std::span<HostForward const> host_socket_forwards();
/* Opens a socket; its descriptor, or how the host refused (Failed when no descriptor is left). */
[[nodiscard]] ErrorOr<i32> host_socket_open(HostSocketKind, HostAddress const&, u16 backlog, HostSocketStatus& status);
/* A listener's next connection, its peer in `remote`; -1 with `status` when none. */
[[nodiscard]] i32 host_socket_accept(i32 listener, HostAddress& remote, HostSocketStatus& status);
/* Sends `bytes` (to `to` when not null: UDP). */
[[nodiscard]] HostSocketResult host_socket_send(i32, std::span<u8 const> bytes, HostAddress const* to);
/* Receives into `bytes`; `from` gets the source. */
[[nodiscard]] HostSocketResult host_socket_receive(i32, std::span<u8> bytes, HostAddress& from);
[[nodiscard]] HostSocketStatus host_socket_shutdown(i32, u8 how);
[[nodiscard]] u32 host_socket_ready(i32);
[[nodiscard]] HostSocketStatus host_socket_local(i32, HostAddress& local);
void host_socket_close(i32);
/* Watches `descriptor` (adopted into a table) for arrivals and hang-ups, and for room to send while `writable`. */
void host_socket_watch(i32 descriptor, bool writable);
/* The interrupt line raised when a watched descriptor changes (edge; elsewhere a line no route may take). */
[[nodiscard]] u32 host_sockets_line();

}
