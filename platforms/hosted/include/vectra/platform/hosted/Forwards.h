/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The hosted process's forwards (--forward=FROM=TO; ADR 0024, amendment 2026-12-06): the address
 * map of the host-sockets capability the kernel makes at boot. FROM is an address outside loopback
 * and a port (`10.0.2.101:443`, IPv6 in brackets: `[fd00::1]:443`), TO a loopback address and a port
 * (`127.0.0.1:40123`): a TCP connect to FROM goes to TO; `udp:FROM=TO` forwards datagrams instead
 * (a datagram to FROM goes to TO, one from TO is reported from FROM). The harness passes the ports it picked for
 * its host servers this way (oracle.json `hosted_args`, `{host_server:NAME}`), as guestfwd does on
 * QEMU. Every malformed or unsafe forward is refused before boot with its reason.
 */

#pragma once

#include <span>
#include <vectra/Error.h>
#include <vectra/HostSockets.h>

namespace vectra::platform::hosted {

/* [udp:|tcp:]FROM=TO as a forward, or why not (no `=`, an address or port that does not parse, FROM on loopback, TO off it). */
[[nodiscard]] ErrorOr<HostForward> parse_forward(char const* text);
/* Parses and keeps a forward for the capability made at boot; a FROM given twice, or more than maximum_host_forwards, refused. */
[[nodiscard]] ErrorOr<void> add_forward(char const* text);
/* The forwards kept so far. */
[[nodiscard]] std::span<HostForward const> forwards();
/* Drops every forward (tests). */
void clear_forwards();

}
