/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The host sockets' readiness line on hosted (ADR 0024, amendment "netd woken by the host"):
 * src/HostSockets.cpp watches every descriptor the kernel's host-sockets tables hold with one
 * edge-triggered epoll instance, from a thread of its own, and raises line 3 at each change; the
 * boot CPU delivers it when it idles with the line unmasked (Interrupts.cpp), as the window's
 * input line.
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::platform::hosted {

inline constexpr u32 sockets_line = 3;

/* The host-sockets line (Interrupts.cpp): set pending and wake the boot CPU's idle sleep. */
void raise_sockets_line();

/* How many times the watching thread has raised the line since the process started (tests). */
[[nodiscard]] u64 sockets_line_raises();

}
