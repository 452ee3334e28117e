/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * dnsd's server address from its configuration (ADR 0037: the boot manifest's "config" for the
 * dnsd Task, declared in footprint.json): dotted-quad IPv4 only, each part 0–255 without leading
 * zeros; no port is 53. No server (ADR 0032 amendment "servers from the lease"): the first DNS
 * server the link's DHCP lease names, asked of netd for each new query (then no port either).
 */

#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vectra/Utf8String.h>
#include <vectra/encoding/Describe.h>
#include <vectra/net/Protocol.h>
#include <vectra/tlsstream/Protocol.h>

namespace vectra::dnsd {

/* The configuration footprint.json declares (held to it by a static_assert in Main.cpp). */
struct ServerConfiguration {
    static constexpr u16 version = 1;
    std::optional<Utf8String<15>> server;
    std::optional<u16> port;

    static constexpr auto fields()
    {
        return vectra::fields(vectra::field("server", &ServerConfiguration::server), vectra::field("port", &ServerConfiguration::port));
    }
};

inline constexpr u16 default_port = 53;

/* dnsd_tls's configuration (dnsd_tls.footprint.json): the DNS-over-TLS server, its port (853) and the name its certificate must carry. */
struct TlsConfiguration {
    static constexpr u16 version = 1;
    Utf8String<15> server;
    std::optional<u16> port;
    Utf8String<tls_stream::maximum_server_name> server_name;

    static constexpr auto fields()
    {
        return vectra::fields(vectra::field("server", &TlsConfiguration::server), vectra::field("port", &TlsConfiguration::port),
            vectra::field("server_name", &TlsConfiguration::server_name));
    }
};

inline constexpr u16 default_tls_port = 853;

/* `invalid-argument` unless `text` is a dotted-quad IPv4 address. */
[[nodiscard]] ErrorOr<net::Address> parse_server(std::string_view text, u16 port);

/*
 * The server a configuration names (port 53 when it names none), or none: the link's (from netd's
 * name-servers). `invalid-argument` for a bad address, port 0, or a port without a server.
 */
[[nodiscard]] ErrorOr<std::optional<net::Address>> server_from(ServerConfiguration const&);
/* The same from the configuration's bytes: malformed bytes are the decoder's error. */
[[nodiscard]] ErrorOr<std::optional<net::Address>> server_from(std::span<u8 const> configuration);

/* The DNS-over-TLS server a configuration names: `invalid-argument` for a bad address or port 0, `invalid-name` for a server name that is not a host name. */
[[nodiscard]] ErrorOr<void> tls_server_from(TlsConfiguration const&, net::Address& address, tls_stream::ServerName& name);

}
